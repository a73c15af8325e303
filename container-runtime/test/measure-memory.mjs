// Idle memory of the runtime in real LXC containers booted from the image as the host does it (idmapped,
// loop-mounted squashfs under an overlay, container-init running the image's launcher, the fixture package).
// Starts SERVICES containers one after another, keeps them all running, lets them idle, then reads
// /proc/<pid>/smaps_rollup of each runtime (node), of all processes in each container and of each LXC monitor.
//
//   node test/measure-memory.mjs ROOTFS.squashfs [--services N] [--idle-ms MS] [--read-ahead-kb KB]
//        [--shared-lower] [--idmap UID] [--package BUNDLED_INDEX_JS]
// --read-ahead-kb sets the image's loop device read-ahead (the host's choice; unset = the kernel's 128);
// --shared-lower mounts the image once and gives every container that mount as its overlay's lower dir;
// --package runs another bundled package instead of the fixture (its daemon must become healthy under the fake
// host: busybox image, set-health success).
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { spawnSync } from "node:child_process"
import { LxcContainer, bundleFixture, mountImage } from "./lxc-container.mjs"

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const squashfs = path.resolve(args[0] ?? "")
if (!fs.existsSync(squashfs)) throw new Error(`usage: measure-memory.mjs ROOTFS.squashfs [--services N] [--idle-ms MS] [--read-ahead-kb KB] [--shared-lower] (${squashfs} missing)`)
const SERVICES = Number(opt("--services", "1"))
const IDLE_MS = Number(opt("--idle-ms", "5000"))
const READ_AHEAD = opt("--read-ahead-kb") === undefined ? undefined : Number(opt("--read-ahead-kb"))
const IDMAP = Number(opt("--idmap", "100000"))
const SHARED = args.includes("--shared-lower")

const T = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-mem-"))
const packageJs = opt("--package") ? path.resolve(opt("--package")) : path.join(T, "package.js")
if (!opt("--package")) bundleFixture(packageJs)
let sharedLower
const containers = []
const mib = (k) => (k / 1024).toFixed(1)
try {
  if (SHARED) {
    sharedLower = path.join(T, "image")
    mountImage(squashfs, sharedLower, READ_AHEAD)
  }
  const timings = []
  for (let i = 0; i < SERVICES; i++) {
    const c = new LxcContainer({ squashfs, idmap: IDMAP, lower: sharedLower, readAheadKb: READ_AHEAD, packageJs })
    containers.push(c)
    const listenMs = await c.start()
    if (listenMs < 0) throw new Error(`container ${i + 1} did not listen on service.sock:\n${c.log}`)
    await c.connect()
    const t0 = Date.now()
    await c.initStartHealthy()
    timings.push({ listenMs, healthyMs: Date.now() - t0 })
  }
  await new Promise((r) => setTimeout(r, IDLE_MS))
  const rows = containers.map((c) => c.memory())
  console.log(`package ${opt("--package") ?? "test/fixture (bundled)"}, image ${squashfs} (${mib(fs.statSync(squashfs).size / 1024)} MiB), ${SERVICES} service(s), read-ahead ${READ_AHEAD ?? "kernel default"} KB, ${SHARED ? "one shared image mount" : "one image mount per container"}, idle ${IDLE_MS} ms`)
  console.log("svc  node: RSS   PSS  anon  file | all procs: RSS   PSS | lxc monitor: RSS  PSS | listen healthy")
  rows.forEach((m, i) => {
    const n = m.node
    console.log(
      `${String(i + 1).padStart(3)}  ${mib(n.rss).padStart(10)} ${mib(n.pss).padStart(5)} ${mib(n.anon).padStart(5)} ${mib(n.rss - n.anon).padStart(5)}` +
        ` | ${mib(m.all.rss).padStart(14)} ${mib(m.all.pss).padStart(5)} | ${mib(m.monitor.rss).padStart(16)} ${mib(m.monitor.pss).padStart(4)}` +
        ` | ${String(timings[i].listenMs).padStart(4)}ms ${String(timings[i].healthyMs).padStart(5)}ms`,
    )
  })
  const avg = (f) => mib(rows.reduce((s, m) => s + f(m), 0) / rows.length)
  console.log(`mean node RSS ${avg((m) => m.node.rss)} PSS ${avg((m) => m.node.pss)} anon ${avg((m) => m.node.anon)} file ${avg((m) => m.node.rss - m.node.anon)} MiB; per service (all processes + monitor) PSS ${avg((m) => m.all.pss + m.monitor.pss)} MiB`)
  for (const c of containers) await c.stop()
} finally {
  for (const c of containers) c.cleanup()
  if (sharedLower) spawnSync("umount", ["-l", sharedLower])
  fs.rmSync(T, { recursive: true, force: true })
}
