// Boots the built rootfs.squashfs in a real LXC container with the fixture package, drives it
// over service.sock with the fake host on host.sock: init -> start -> health success -> stop -> lxc-stop.
// Usage (root): node test/image-test.mjs ROOTFS.squashfs
import * as fs from "node:fs"
import * as path from "node:path"
import { LxcContainer } from "./lxc-container.mjs"

const squashfs = path.resolve(process.argv[2] ?? "")
if (!fs.existsSync(squashfs)) throw new Error(`usage: image-test.mjs ROOTFS.squashfs (${squashfs} missing)`)
// IMAGE_TEST_IDMAP=100000 runs an unprivileged container (root = host uid 100000), as StartOS does; the image
// must then be built with ROOTFS_UID=100000.
const IDMAP = Number(process.env.IMAGE_TEST_IDMAP ?? "0")
const results = { passed: 0, failed: 0 }
const check = (n, c, d = "") => {
  c ? results.passed++ : results.failed++
  console.log(`${c ? "ok  " : "FAIL"} - ${n}${!c && d ? ": " + d : ""}`)
}

const container = new LxcContainer({
  squashfs,
  idmap: IDMAP,
  // IMAGE_TEST_LOWER: an already-mounted image shared by several containers.
  lower: process.env.IMAGE_TEST_LOWER,
  initCmd: process.env.IMAGE_TEST_INIT_CMD,
  nodeOptions: process.env.IMAGE_TEST_NODE_OPTIONS,
})
try {
  const listenMs = await container.start()
  check(`the runtime listens on service.sock after lxc-start (${listenMs} ms)`, listenMs >= 0, container.log)
  await container.connect()
  let r = await container.call("init", { id: "i1", kind: "install" })
  check("init inside LXC answers null", r.result === null, JSON.stringify(r))
  r = await container.call("start", null)
  check("start inside LXC answers null", r.result === null, JSON.stringify(r))
  const h = await container.host.waitFor("set-health success", (c) => c.method === "set-health" && c.params.result === "success", 20000).catch((e) => e)
  check("the daemon runs in a subcontainer (start-container inside LXC) and reports healthy", h?.params?.id === "primary", String(h?.message ?? ""))
  await new Promise((res) => setTimeout(res, Number(process.env.IMAGE_TEST_IDLE_MS ?? "2000")))
  try {
    const m = container.memory()
    const mib = (k) => (k / 1024).toFixed(1)
    console.log(`# idle runtime RSS ${mib(m.node.rss)} MiB (anon ${mib(m.node.anon)}, PSS ${mib(m.node.pss)}); all ${m.processes} processes ${mib(m.all.rss)} MiB`)
  } catch (e) {
    console.log(`# could not measure the runtime's memory: ${e.message}`)
  }
  const hello = path.join(container.volumes, "main/hello")
  check("the daemon wrote into its volume through the SDK's bind-mount", fs.existsSync(hello) && fs.readFileSync(hello, "utf8") === "written-by-daemon\n")
  const stopped = await container.stop()
  check("stop inside LXC answers null", stopped.reply.result === null, JSON.stringify(stopped.reply))
  check(`lxc-stop is prompt thanks to the signal-handling init (${stopped.ms} ms)`, stopped.ms < 5000)
  check("runtime log lines reach the container console", /rpc start ok/.test(container.console), container.console.slice(-2000))
} catch (e) {
  check(`image test aborted: ${e.stack ?? e}`, false)
} finally {
  container.cleanup()
}
console.log(`runtime image${IDMAP ? ` (idmapped to ${IDMAP})` : ""}: ${results.passed} passed, ${results.failed} failed`)
process.exit(results.failed ? 1 : 0)
