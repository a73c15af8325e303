// Idle memory of the runtime after it loaded a bundled SDK package, ran init and started its daemon: boots the
// runtime (real start-container in a private mount+pid namespace, as root), waits for health, idles, then reads
// the runtime's RSS (/proc/<pid>/smaps_rollup) and V8's view (process.memoryUsage via eval).
//   node test/mem-bench.mjs [RUNS=5] [LAUNCHER]   env MEM_NODE_OPTIONS / MEM_ENV_* are passed to the runtime.
// LAUNCHER (e.g. the image's launcher script) replaces `node index.js`; it gets the bundle path as $STARTOS_RUNTIME_JS.
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { spawn, execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { FakeHost } from "./fake-host.mjs"

const HERE = path.dirname(fileURLToPath(import.meta.url))
const RUNTIME_JS = path.resolve(HERE, "../dist/index.js")
const SC = path.resolve(HERE, "../../start-container/build")
const RUNS = Number(process.argv[2] ?? "5")
const LAUNCHER = process.argv[3]
const IDLE_MS = Number(process.env.MEM_IDLE_MS ?? "3000")
const T = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-mem-"))
const pkg = path.join(T, "package.js")
execFileSync(path.join(HERE, "../node_modules/.bin/esbuild"), [path.join(HERE, "fixture/index.js"), "--bundle", "--platform=node", "--log-level=error", `--outfile=${pkg}`])

const kib = (smaps, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(smaps)?.[1] ?? NaN)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function once(i) {
  const dir = path.join(T, `run${i}`), media = path.join(dir, "media"), rpc = path.join(dir, "rpc"), template = path.join(dir, "template")
  for (const d of [path.join(media, "startos/images"), path.join(media, "startos/volumes/main"), rpc]) fs.mkdirSync(d, { recursive: true })
  fs.writeFileSync(path.join(media, "startos/images/main.json"), JSON.stringify({ user: "root", workdir: "/" }))
  fs.writeFileSync(path.join(media, "startos/images/main.env"), "PATH=/bin\n")
  for (const d of ["bin", "etc", "tmp", "proc", "dev", "sys"]) fs.mkdirSync(path.join(template, d), { recursive: true })
  fs.copyFileSync("/bin/busybox", path.join(template, "bin/busybox"))
  fs.chmodSync(path.join(template, "bin/busybox"), 0o755)
  for (const a of ["sh", "sleep", "test", "touch", "echo"]) fs.symlinkSync("busybox", path.join(template, "bin", a))
  fs.writeFileSync(path.join(template, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
  const host = new FakeHost({ socket: path.join(rpc, "host.sock"), media, mediaSeenByRuntime: "/media", template })
  await host.listen()
  const env = { ...process.env, STARTOS_SERVICE_SOCK: path.join(rpc, "service.sock"), STARTOS_HOST_SOCK: path.join(rpc, "host.sock"), STARTOS_PACKAGE_JS: pkg, STARTOS_RUNTIME_JS: RUNTIME_JS, PATH: `${SC}:${process.env.PATH}` }
  delete env.NODE_OPTIONS
  if (process.env.MEM_NODE_OPTIONS) env.NODE_OPTIONS = process.env.MEM_NODE_OPTIONS
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("MEM_ENV_")) env[k.slice(8)] = v
  const run = LAUNCHER ? `exec "${path.resolve(LAUNCHER)}"` : `exec node ${process.env.MEM_NODE_ARGS ?? ""} "$2"`
  const proc = spawn("unshare", ["--mount", "--pid", "--fork", "--kill-child=SIGKILL", "--propagation", "private", "--", "sh", "-c", `mount --bind "$1" /media && ${run}`, "sh", media, RUNTIME_JS], { env, stdio: ["ignore", "pipe", "pipe"] })
  const logs = []
  for (const s of [proc.stdout, proc.stderr]) s.on("data", (d) => logs.push(d.toString()))
  const t0 = Date.now()
  while (!fs.existsSync(env.STARTOS_SERVICE_SOCK)) {
    if (Date.now() - t0 > 15000 || proc.exitCode !== null) throw new Error(`runtime did not listen:\n${logs.join("")}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  const listenMs = Date.now() - t0
  const sock = net.createConnection({ path: env.STARTOS_SERVICE_SOCK })
  await new Promise((r, j) => (sock.once("connect", r), sock.once("error", j)))
  let buf = "", id = 0
  const waiting = new Map()
  sock.setEncoding("utf8")
  sock.on("data", (d) => {
    buf += d
    let k
    while ((k = buf.indexOf("\n")) >= 0) {
      const m = JSON.parse(buf.slice(0, k))
      buf = buf.slice(k + 1)
      waiting.get(m.id)?.(m)
    }
  })
  const call = (method, params) => new Promise((res) => { const n = ++id; waiting.set(n, res); sock.write(JSON.stringify({ id: n, method, params }) + "\n") })
  const c0 = Date.now()
  let r = await call("init", { id: "i", kind: "install" })
  if (r.error) throw new Error(`init: ${JSON.stringify(r.error)}`)
  const initMs = Date.now() - c0
  r = await call("start", null)
  if (r.error) throw new Error(`start: ${JSON.stringify(r.error)}`)
  await host.waitFor("health", (c) => c.method === "set-health" && c.params.result === "success", 20000)
  const readyMs = Date.now() - c0
  const a0 = Date.now()
  for (let k = 0; k < 20; k++) {
    r = await call("execute", { id: `a${k}`, procedure: "/actions/hello/run", input: { input: {} }, timeout: 10000 })
    if (r.error) throw new Error(`action: ${JSON.stringify(r.error)}`)
  }
  const actionMs = (Date.now() - a0) / 20
  if (process.env.MEM_PRE_EVAL) await call("eval", { script: process.env.MEM_PRE_EVAL })
  await new Promise((res) => setTimeout(res, IDLE_MS))
  r = await call("eval", { script: "JSON.stringify({pid: process.pid, mu: process.memoryUsage(), spaces: process.getBuiltinModule('v8').getHeapSpaceStatistics().map(s => [s.space_name, s.space_used_size, s.physical_space_size])})" })
  const ev = JSON.parse(r.result)
  // unshare forks sh (pid 1 of the namespace), which execs the launcher/node: the runtime is unshare's only child.
  const nodePid = execFileSync("pgrep", ["-P", String(proc.pid)]).toString().trim()
  const smaps = fs.readFileSync(`/proc/${nodePid}/smaps_rollup`, "utf8")
  const status = fs.readFileSync(`/proc/${nodePid}/status`, "utf8")
  const res = {
    rss: kib(smaps, "Rss") / 1024, pss: kib(smaps, "Pss") / 1024, anon: kib(smaps, "Anonymous") / 1024, file: (kib(smaps, "Rss") - kib(smaps, "Anonymous")) / 1024,
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)[1]),
    heapUsed: ev.mu.heapUsed / 2 ** 20, heapTotal: ev.mu.heapTotal / 2 ** 20, external: ev.mu.external / 2 ** 20, arrayBuffers: ev.mu.arrayBuffers / 2 ** 20,
    code: (ev.spaces.find((s) => s[0] === "code_space")?.[2] ?? 0) / 2 ** 20,
    listenMs, initMs, readyMs, actionMs,
  }
  if (process.env.MEM_SPACES) console.log(ev.spaces.map((s) => `${s[0]} used=${(s[1] / 2 ** 20).toFixed(2)} phys=${(s[2] / 2 ** 20).toFixed(2)}`).join("\n"))
  if (process.env.MEM_SMAPS) console.log(execFileSync("sh", ["-c", `awk '/^[0-9a-f]+-/{name=$6} /^Rss:/{r[name]+=$2} END{for(n in r) if (r[n]>500) print r[n], n}' /proc/${nodePid}/smaps | sort -rn | head -15`]).toString())
  call("stop", null)
  await new Promise((res) => setTimeout(res, 300))
  proc.kill("SIGKILL")
  sock.destroy()
  host.close()
  await new Promise((res) => proc.on("exit", res))
  return res
}

const all = []
try {
  for (let i = 0; i < RUNS; i++) all.push(await once(i))
} finally {
  fs.rmSync(T, { recursive: true, force: true })
}
const keys = Object.keys(all[0])
console.log(`NODE_OPTIONS='${process.env.MEM_NODE_OPTIONS ?? ""}' ${Object.entries(process.env).filter(([k]) => k.startsWith("MEM_ENV_")).map(([k, v]) => `${k.slice(8)}=${v}`).join(" ")} ${LAUNCHER ?? ""}`)
console.log("median of " + RUNS + ": " + keys.map((k) => `${k}=${median(all.map((x) => x[k])).toFixed(1)}`).join(" "))
console.log("rss runs: " + all.map((x) => x.rss.toFixed(1)).join(" "))
