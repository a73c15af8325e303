// One real LXC container booted from the runtime image the way the host does it: the image squashfs
// (loop, read-only) under an overlay, the fake host on host.sock, the bundled fixture package, container-init
// running the image's launcher. Used by image-test.mjs (behaviour) and measure-memory.mjs (idle memory).
// Needs root, lxc, squashfs-tools and busybox-static; callers hold /work/lxc.lock around it.
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { execFileSync, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { FakeHost } from "./fake-host.mjs"

const HERE = path.dirname(fileURLToPath(import.meta.url))
const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString()

/** The fixture package bundled with the SDK (packages ship bundled), written to `file`. */
export function bundleFixture(file) {
  sh(path.join(HERE, "../node_modules/.bin/esbuild"), [path.join(HERE, "fixture/index.js"), "--bundle", "--platform=node", "--log-level=error", `--outfile=${file}`])
}

/** Mounts `squashfs` read-only at `at` (util-linux reuses one loop device per image file); returns the device. */
export function mountImage(squashfs, at, readAheadKb) {
  fs.mkdirSync(at, { recursive: true })
  sh("mount", ["-t", "squashfs", "-o", "loop,ro", squashfs, at])
  const device = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")).find((f) => f[4] === at)?.at(-2) ?? ""
  if (readAheadKb !== undefined && device.startsWith("/dev/loop"))
    fs.writeFileSync(`/sys/block/${path.basename(device)}/queue/read_ahead_kb`, String(readAheadKb))
  return device
}

export class LxcContainer {
  /**
   * @param {{squashfs: string, idmap?: number, lower?: string, readAheadKb?: number, initCmd?: string,
   *   nodeOptions?: string, packageJs?: string}} o  lower: an already mounted image to share instead of a
   *   mount of its own; readAheadKb: set on the image's loop device; packageJs: a bundled package to reuse
   */
  constructor(o) {
    this.o = o
    this.idmap = o.idmap ?? 0
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-image-"))
    fs.chmodSync(this.dir, 0o755)
    this.name = `rt-image-test-${process.pid}-${path.basename(this.dir).slice(-6)}`
    this.lxcPath = path.join(this.dir, "lxc")
    this.media = path.join(this.dir, "media")
    this.mounted = []
    this.host = undefined
    this.conn = undefined
  }

  get volumes() {
    return path.join(this.media, "startos/volumes")
  }

  get log() {
    const file = path.join(this.dir, "lxc.log")
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  }

  get console() {
    const file = path.join(this.dir, "console.log")
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  }

  /** Prepares the root and the bind sources and runs lxc-start; resolves once service.sock exists (its ms). */
  async start() {
    const T = this.dir, sq = path.join(T, "sq"), upper = path.join(T, "upper"), work = path.join(T, "work"), merged = path.join(T, "merged")
    const rpc = path.join(this.media, "startos/rpc"), pkg = path.join(T, "package")
    for (const d of [upper, work, merged, rpc, pkg, path.join(this.media, "startos/images"), path.join(this.media, "startos/subcontainers"), path.join(this.volumes, "main"), path.join(this.lxcPath, this.name)])
      fs.mkdirSync(d, { recursive: true })
    let lower = this.o.lower
    if (!lower) {
      mountImage(this.o.squashfs, sq, this.o.readAheadKb)
      this.mounted.push(sq)
      lower = sq
    }
    sh("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged])
    this.mounted.push(merged)
    if (this.o.packageJs) fs.copyFileSync(this.o.packageJs, path.join(pkg, "index.js"))
    else bundleFixture(path.join(pkg, "index.js"))
    fs.writeFileSync(path.join(this.media, "startos/images/main.json"), JSON.stringify({ user: "root", workdir: "/" }))
    fs.writeFileSync(path.join(this.media, "startos/images/main.env"), "PATH=/bin\n")
    const template = path.join(T, "template")
    for (const d of ["bin", "etc", "tmp", "proc", "dev", "sys"]) fs.mkdirSync(path.join(template, d), { recursive: true })
    fs.copyFileSync("/bin/busybox", path.join(template, "bin/busybox"))
    fs.chmodSync(path.join(template, "bin/busybox"), 0o755)
    for (const a of ["sh", "sleep", "test", "touch", "echo"]) fs.symlinkSync("busybox", path.join(template, "bin", a))
    fs.writeFileSync(path.join(template, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
    fs.writeFileSync(path.join(template, "etc/group"), "root:x:0:\n")

    this.host = new FakeHost({ socket: path.join(rpc, "host.sock"), media: this.media, mediaSeenByRuntime: "/media", template, owner: this.idmap })
    await this.host.listen()
    if (this.idmap) {
      // What the host must do for an idmapped container: its root must own what it writes and connects to.
      for (const d of [upper, work, rpc, path.join(this.media, "startos/subcontainers"), this.volumes, path.join(this.volumes, "main")])
        fs.chownSync(d, this.idmap, this.idmap)
      fs.chownSync(path.join(rpc, "host.sock"), this.idmap, this.idmap)
    }
    const config = [
      `lxc.uts.name = ${this.name}`,
      `lxc.rootfs.path = dir:${merged}`,
      "lxc.mount.auto = proc:mixed sys:ro cgroup:mixed",
      `lxc.mount.entry = ${rpc} media/startos/rpc none bind,rw 0 0`,
      `lxc.mount.entry = ${path.join(this.media, "startos/images")} media/startos/images none bind,ro 0 0`,
      `lxc.mount.entry = ${path.join(this.media, "startos/subcontainers")} media/startos/subcontainers none rbind,rw 0 0`,
      `lxc.mount.entry = ${pkg} usr/lib/startos/package none bind,ro 0 0`,
      `lxc.mount.entry = ${this.volumes} media/startos/volumes none rbind,rw 0 0`,
      "lxc.mount.entry = tmpfs tmp tmpfs rw,nosuid,nodev,size=64m 0 0",
      "lxc.net.0.type = empty",
      ...(this.idmap ? [`lxc.idmap = u 0 ${this.idmap} 65536`, `lxc.idmap = g 0 ${this.idmap} 65536`] : []),
      // As the host should start it: container-init running the image's launcher (node with the memory flags).
      `lxc.init.cmd = ${this.o.initCmd ?? "/usr/sbin/init -- /usr/lib/startos/container-runtime/start-runtime"}`,
      ...(this.o.nodeOptions ? [`lxc.environment = NODE_OPTIONS=${this.o.nodeOptions}`] : []),
      "lxc.apparmor.profile = unconfined",
      "lxc.tty.max = 0",
      "lxc.pty.max = 4",
      "lxc.autodev = 1",
      `lxc.console.logfile = ${path.join(T, "console.log")}`,
      `lxc.log.file = ${path.join(T, "lxc.log")}`,
      "lxc.log.level = WARN",
    ].join("\n")
    fs.writeFileSync(path.join(this.lxcPath, this.name, "config"), config + "\n")
    const t0 = Date.now()
    sh("lxc-start", ["-n", this.name, "-P", this.lxcPath, "-d"])
    const sock = path.join(rpc, "service.sock")
    while (!fs.existsSync(sock) && Date.now() - t0 < 15000) await new Promise((r) => setTimeout(r, 20))
    if (!fs.existsSync(sock)) return -1
    return Date.now() - t0
  }

  /** Connects to service.sock; `call` then sends one JSON-RPC request and resolves with the whole reply. */
  async connect() {
    // The socket file appears at bind(), a moment before listen(): retry a refused connection briefly.
    for (let tries = 0; ; tries++) {
      this.conn = net.createConnection({ path: path.join(this.media, "startos/rpc/service.sock") })
      const error = await new Promise((r) => (this.conn.once("connect", () => r(null)), this.conn.once("error", r)))
      if (!error) break
      if (error.code !== "ECONNREFUSED" || tries >= 50) throw error
      await new Promise((r) => setTimeout(r, 20))
    }
    let buf = ""
    this.waiting = new Map()
    this.nextId = 1
    this.conn.setEncoding("utf8")
    this.conn.on("data", (d) => {
      buf += d
      let i
      while ((i = buf.indexOf("\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, i))
        buf = buf.slice(i + 1)
        this.waiting.get(m.id)?.(m)
      }
    })
  }

  call(method, params) {
    return new Promise((resolve) => {
      const id = this.nextId++
      this.waiting.set(id, resolve)
      this.conn.write(JSON.stringify({ id, method, params }) + "\n")
    })
  }

  /** init (install) + start, then waits for the fixture daemon's health `success`; resolves with that call. */
  async initStartHealthy() {
    let r = await this.call("init", { id: "i1", kind: "install" })
    if (r.error) throw new Error(`init: ${JSON.stringify(r.error)}`)
    r = await this.call("start", null)
    if (r.error) throw new Error(`start: ${JSON.stringify(r.error)}`)
    return this.host.waitFor("set-health success", (c) => c.method === "set-health" && c.params.result === "success", 20000)
  }

  /**
   * Memory of the runtime (node under container-init), of every process in the container, and of the LXC
   * monitor on the host, in KiB from /proc/<pid>/smaps_rollup.
   */
  memory() {
    const initPid = sh("lxc-info", ["-n", this.name, "-P", this.lxcPath, "-p", "-H"]).trim()
    const node = spawnSync("pgrep", ["-P", initPid, "-x", "node"]).stdout.toString().trim().split("\n")[0]
    const pids = [initPid]
    for (let k = 0; k < pids.length; k++) pids.push(...spawnSync("pgrep", ["-P", pids[k]]).stdout.toString().trim().split("\n").filter(Boolean))
    const monitor = fs.readFileSync(`/proc/${initPid}/status`, "utf8").match(/^PPid:\s+(\d+)/m)?.[1]
    return { node: rollup(node), all: sum(pids.map(rollup)), processes: pids.length, monitor: rollup(monitor) }
  }

  /** stop over service.sock, then lxc-stop; resolves with lxc-stop's ms. */
  async stop() {
    const r = await this.call("stop", null)
    this.conn.destroy()
    const s0 = Date.now()
    spawnSync("lxc-stop", ["-n", this.name, "-P", this.lxcPath, "-t", "20"], { stdio: "ignore" })
    return { reply: r, ms: Date.now() - s0 }
  }

  /** Kills the container if it still runs and removes every mount and file of it. */
  cleanup() {
    this.conn?.destroy()
    this.host?.close()
    spawnSync("lxc-stop", ["-n", this.name, "-P", this.lxcPath, "-k"], { stdio: "ignore" })
    for (const m of this.mounted.reverse()) spawnSync("umount", ["-l", m])
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

const KEYS = { rss: "Rss", pss: "Pss", anon: "Anonymous", pssAnon: "Pss_Anon", pssFile: "Pss_File" }

function rollup(pid) {
  const out = { rss: 0, pss: 0, anon: 0, pssAnon: 0, pssFile: 0 }
  if (!pid || !fs.existsSync(`/proc/${pid}/smaps_rollup`)) return out
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8")
  for (const [k, key] of Object.entries(KEYS)) out[k] = Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0)
  return out
}

function sum(rollups) {
  const out = { rss: 0, pss: 0, anon: 0, pssAnon: 0, pssFile: 0 }
  for (const r of rollups) for (const k of Object.keys(out)) out[k] += r[k]
  return out
}
