// Boots the built rootfs.squashfs in a real (privileged) LXC container with the fixture package, drives it
// over service.sock with the fake host on host.sock: init -> start -> health success -> stop -> lxc-stop.
// Usage (root): node test/image-test.mjs ROOTFS.squashfs
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { execFileSync, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { FakeHost } from "./fake-host.mjs"

const HERE = path.dirname(fileURLToPath(import.meta.url))
const squashfs = path.resolve(process.argv[2] ?? "")
if (!fs.existsSync(squashfs)) throw new Error(`usage: image-test.mjs ROOTFS.squashfs (${squashfs} missing)`)
// IMAGE_TEST_IDMAP=100000 runs an unprivileged container (root = host uid 100000), as StartOS does; the image
// must then be built with ROOTFS_UID=100000.
const IDMAP = Number(process.env.IMAGE_TEST_IDMAP ?? "0")
const T = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-image-"))
fs.chmodSync(T, 0o755)
const name = `rt-image-test-${process.pid}`
const results = { passed: 0, failed: 0 }
const check = (n, c, d = "") => {
  c ? results.passed++ : results.failed++
  console.log(`${c ? "ok  " : "FAIL"} - ${n}${!c && d ? ": " + d : ""}`)
}
const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString()

const sq = path.join(T, "sq"), upper = path.join(T, "upper"), work = path.join(T, "work"), merged = path.join(T, "merged")
const media = path.join(T, "media"), rpc = path.join(media, "startos/rpc"), pkg = path.join(T, "package")
for (const d of [sq, upper, work, merged, rpc, pkg, path.join(media, "startos/images"), path.join(media, "startos/subcontainers"), path.join(media, "startos/volumes/main"), path.join(T, "lxc")])
  fs.mkdirSync(d, { recursive: true })
let mounted = []
try {
  // IMAGE_TEST_LOWER: an already-mounted image shared by several containers (their node pages then share the page cache).
  const lower = process.env.IMAGE_TEST_LOWER ?? sq
  if (!process.env.IMAGE_TEST_LOWER) {
    sh("mount", ["-t", "squashfs", "-o", "loop,ro", squashfs, sq])
    mounted.push(sq)
  }
  sh("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged])
  mounted.push(merged)
  // Packages ship bundled; bundle the fixture (it needs the SDK) with the runtime's esbuild.
  sh(path.join(HERE, "../node_modules/.bin/esbuild"), [path.join(HERE, "fixture/index.js"), "--bundle", "--platform=node", "--log-level=error", `--outfile=${path.join(pkg, "index.js")}`])
  fs.writeFileSync(path.join(media, "startos/images/main.json"), JSON.stringify({ user: "root", workdir: "/" }))
  fs.writeFileSync(path.join(media, "startos/images/main.env"), "PATH=/bin\n")
  const template = path.join(T, "template")
  for (const d of ["bin", "etc", "tmp", "proc", "dev", "sys"]) fs.mkdirSync(path.join(template, d), { recursive: true })
  fs.copyFileSync("/bin/busybox", path.join(template, "bin/busybox"))
  fs.chmodSync(path.join(template, "bin/busybox"), 0o755)
  for (const a of ["sh", "sleep", "test", "touch", "echo"]) fs.symlinkSync("busybox", path.join(template, "bin", a))
  fs.writeFileSync(path.join(template, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
  fs.writeFileSync(path.join(template, "etc/group"), "root:x:0:\n")

  const host = new FakeHost({ socket: path.join(rpc, "host.sock"), media, mediaSeenByRuntime: "/media", template, owner: IDMAP })
  await host.listen()
  if (IDMAP) {
    // What the host must do for an idmapped container: its root must own what it writes and connects to.
    for (const d of [upper, work, rpc, path.join(media, "startos/subcontainers"), path.join(media, "startos/volumes"), path.join(media, "startos/volumes/main")])
      fs.chownSync(d, IDMAP, IDMAP)
    fs.chownSync(path.join(rpc, "host.sock"), IDMAP, IDMAP)
  }
  const config = [
    `lxc.uts.name = ${name}`,
    `lxc.rootfs.path = dir:${merged}`,
    "lxc.mount.auto = proc:mixed sys:ro cgroup:mixed",
    `lxc.mount.entry = ${path.join(media, "startos/rpc")} media/startos/rpc none bind,rw 0 0`,
    `lxc.mount.entry = ${path.join(media, "startos/images")} media/startos/images none bind,ro 0 0`,
    `lxc.mount.entry = ${path.join(media, "startos/subcontainers")} media/startos/subcontainers none rbind,rw 0 0`,
    `lxc.mount.entry = ${pkg} usr/lib/startos/package none bind,ro 0 0`,
    `lxc.mount.entry = ${path.join(media, "startos/volumes")} media/startos/volumes none rbind,rw 0 0`,
    "lxc.mount.entry = tmpfs tmp tmpfs rw,nosuid,nodev,size=64m 0 0",
    "lxc.net.0.type = empty",
    ...(IDMAP ? [`lxc.idmap = u 0 ${IDMAP} 65536`, `lxc.idmap = g 0 ${IDMAP} 65536`] : []),
    // As the host should start it: container-init running the image's launcher (node with the memory flags).
    `lxc.init.cmd = ${process.env.IMAGE_TEST_INIT_CMD ?? "/usr/sbin/init -- /usr/lib/startos/container-runtime/start-runtime"}`,
    ...(process.env.IMAGE_TEST_NODE_OPTIONS ? [`lxc.environment = NODE_OPTIONS=${process.env.IMAGE_TEST_NODE_OPTIONS}`] : []),
    "lxc.apparmor.profile = unconfined",
    "lxc.tty.max = 0",
    "lxc.pty.max = 4",
    "lxc.autodev = 1",
    `lxc.console.logfile = ${path.join(T, "console.log")}`,
    `lxc.log.file = ${path.join(T, "lxc.log")}`,
    "lxc.log.level = WARN",
  ].join("\n")
  fs.mkdirSync(path.join(T, "lxc", name))
  fs.writeFileSync(path.join(T, "lxc", name, "config"), config + "\n")
  const t0 = Date.now()
  sh("lxc-start", ["-n", name, "-P", path.join(T, "lxc"), "-d"])
  const sock = path.join(rpc, "service.sock")
  while (!fs.existsSync(sock) && Date.now() - t0 < 15000) await new Promise((r) => setTimeout(r, 20))
  check(`the runtime listens on service.sock after lxc-start (${Date.now() - t0} ms)`, fs.existsSync(sock), fs.existsSync(path.join(T, "lxc.log")) ? fs.readFileSync(path.join(T, "lxc.log"), "utf8") : "")
  const conn = net.createConnection({ path: sock })
  await new Promise((r, j) => (conn.once("connect", r), conn.once("error", j)))
  let buf = ""
  const waiting = new Map()
  conn.setEncoding("utf8")
  conn.on("data", (d) => {
    buf += d
    let i
    while ((i = buf.indexOf("\n")) >= 0) {
      const m = JSON.parse(buf.slice(0, i))
      buf = buf.slice(i + 1)
      waiting.get(m.id)?.(m)
    }
  })
  let nextId = 1
  const call = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++
      waiting.set(id, resolve)
      conn.write(JSON.stringify({ id, method, params }) + "\n")
    })
  let r = await call("init", { id: "i1", kind: "install" })
  check("init inside LXC answers null", r.result === null, JSON.stringify(r))
  r = await call("start", null)
  check("start inside LXC answers null", r.result === null, JSON.stringify(r))
  const h = await host.waitFor("set-health success", (c) => c.method === "set-health" && c.params.result === "success", 20000).catch((e) => e)
  check("the daemon runs in a subcontainer (start-container inside LXC) and reports healthy", h?.params?.id === "primary", String(h?.message ?? ""))
  // Idle memory of the runtime (node under container-init) and of every process in the container.
  await new Promise((res) => setTimeout(res, Number(process.env.IMAGE_TEST_IDLE_MS ?? "2000")))
  try {
    const initPid = sh("lxc-info", ["-n", name, "-P", path.join(T, "lxc"), "-p", "-H"]).trim()
    const kb = (pid, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0)
    const nodePid = spawnSync("pgrep", ["-P", initPid, "-x", "node"]).stdout.toString().trim().split("\n")[0]
    const pids = [initPid]
    for (let k = 0; k < pids.length; k++)
      pids.push(...spawnSync("pgrep", ["-P", pids[k]]).stdout.toString().trim().split("\n").filter(Boolean))
    const mib = (k) => (k / 1024).toFixed(1)
    const all = pids.reduce((sum, p) => sum + (fs.existsSync(`/proc/${p}/smaps_rollup`) ? kb(p, "Rss") : 0), 0)
    console.log(`# idle runtime RSS ${mib(kb(nodePid, "Rss"))} MiB (anon ${mib(kb(nodePid, "Anonymous"))}, PSS ${mib(kb(nodePid, "Pss"))}); all ${pids.length} processes ${mib(all)} MiB`)
  } catch (e) {
    console.log(`# could not measure the runtime's memory: ${e.message}`)
  }
  const hello = path.join(media, "startos/volumes/main/hello")
  check("the daemon wrote into its volume through the SDK's bind-mount", fs.existsSync(hello) && fs.readFileSync(hello, "utf8") === "written-by-daemon\n")
  r = await call("stop", null)
  check("stop inside LXC answers null", r.result === null, JSON.stringify(r))
  conn.destroy()
  const s0 = Date.now()
  spawnSync("lxc-stop", ["-n", name, "-P", path.join(T, "lxc"), "-t", "20"], { stdio: "ignore" })
  const stopMs = Date.now() - s0
  check(`lxc-stop is prompt thanks to the signal-handling init (${stopMs} ms)`, stopMs < 5000)
  host.close()
  const log = fs.existsSync(path.join(T, "console.log")) ? fs.readFileSync(path.join(T, "console.log"), "utf8") : ""
  check("runtime log lines reach the container console", /rpc start ok/.test(log), log.slice(-2000))
} catch (e) {
  check(`image test aborted: ${e.stack ?? e}`, false)
} finally {
  spawnSync("lxc-stop", ["-n", name, "-P", path.join(T, "lxc"), "-k"], { stdio: "ignore" })
  for (const m of mounted.reverse()) spawnSync("umount", ["-l", m])
  fs.rmSync(T, { recursive: true, force: true })
}
console.log(`runtime image${IDMAP ? ` (idmapped to ${IDMAP})` : ""}: ${results.passed} passed, ${results.failed} failed`)
process.exit(results.failed ? 1 : 0)
