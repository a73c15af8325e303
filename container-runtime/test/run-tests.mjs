// End-to-end tests of the runtime without the Java host: real runtime process, fake host.sock, a package
// built with the real SDK. As root the daemon runs through the real start-container in a private mount+pid
// namespace (so /media/startos and the SDK's mounts never touch the host); otherwise stubs stand in.
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { spawn, execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { FakeHost } from "./fake-host.mjs"

const HERE = path.dirname(fileURLToPath(import.meta.url))
const RUNTIME_DIR = path.resolve(HERE, "..")
const RUNTIME_JS = path.join(RUNTIME_DIR, "dist/index.js")
// The image's launcher (node with the memory-saving flags), so the tests run the runtime as containers do.
const LAUNCHER = path.join(RUNTIME_DIR, "image/start-runtime")
const START_CONTAINER_DIR = path.resolve(RUNTIME_DIR, "../start-container/build")
const IS_ROOT = process.getuid?.() === 0
/** Without root, a user namespace where we map to root gives the same setup (if the kernel allows it). */
function canUseUserns() {
  try {
    execFileSync("unshare", ["--user", "--map-root-user", "--mount", "--pid", "--fork", "true"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}
const ROOT = !process.env.STARTOS_TEST_STUB && fs.existsSync(path.join(START_CONTAINER_DIR, "start-container")) && (IS_ROOT || canUseUserns())
// The stub run skips the checks that need a real subcontainer, so it is opt-in: ./test must not
// quietly fall back to it on a machine that cannot run start-container.
if (!ROOT && !process.env.STARTOS_TEST_STUB) {
  console.error(
    "run-tests: cannot run the real start-container (needs root or user namespaces, and start-container/build);" +
      " set STARTOS_TEST_STUB=1 to run the reduced stub variant on purpose",
  )
  process.exit(2)
}

const T = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-test-"))
const results = { passed: 0, failed: 0 }
const children = []

function check(name, cond, detail = "") {
  if (cond) {
    results.passed++
    console.log(`ok   - ${name}`)
  } else {
    results.failed++
    console.log(`FAIL - ${name}${detail ? ": " + detail : ""}`)
  }
}

function busyboxRootfs(dir) {
  const bb = ["/bin/busybox", "/usr/bin/busybox"].find((p) => fs.existsSync(p))
  if (!bb) throw new Error("busybox-static is needed for the test rootfs")
  for (const d of ["bin", "etc", "tmp", "proc", "dev", "sys", "root"]) fs.mkdirSync(path.join(dir, d), { recursive: true })
  fs.copyFileSync(bb, path.join(dir, "bin/busybox"))
  fs.chmodSync(path.join(dir, "bin/busybox"), 0o755)
  for (const a of ["sh", "sleep", "test", "touch", "echo", "cat", "true", "ls"]) fs.symlinkSync("busybox", path.join(dir, "bin", a))
  fs.writeFileSync(path.join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
  fs.writeFileSync(path.join(dir, "etc/group"), "root:x:0:\n")
}

class ServiceClient {
  constructor(socketPath) {
    this.socketPath = socketPath
    this.pending = new Map()
    this.unexpected = []
    this.nextId = 1
  }
  connect() {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection({ path: this.socketPath }, resolve)
      this.sock.on("error", reject)
      let buf = ""
      this.sock.setEncoding("utf8")
      this.sock.on("data", (d) => {
        buf += d
        let i
        while ((i = buf.indexOf("\n")) >= 0) {
          const msg = JSON.parse(buf.slice(0, i))
          buf = buf.slice(i + 1)
          const p = this.pending.get(msg.id)
          if (p) {
            this.pending.delete(msg.id)
            p(msg)
          } else this.unexpected.push(msg)
        }
      })
    })
  }
  request(method, params, timeoutMs = 30000) {
    const id = this.nextId++
    return this.raw(JSON.stringify(params === undefined ? { id, method } : { id, method, params }), id, timeoutMs)
  }
  raw(line, id, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${line.slice(0, 80)} within ${timeoutMs} ms`)), timeoutMs)
      this.pending.set(id, (m) => {
        clearTimeout(timer)
        resolve(m)
      })
      this.sock.write(line + "\n")
    })
  }
  notify(method, params) {
    this.sock.write(JSON.stringify({ method, params }) + "\n")
  }
  close() {
    this.sock?.destroy()
  }
}

async function waitForFile(p, ms) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (fs.existsSync(p)) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return false
}

/** Starts one runtime on its own sockets; returns {client, host, proc, exited, logs}. */
async function startRuntime(name, packageJs) {
  const dir = path.join(T, name)
  const media = path.join(dir, "media")
  const rpc = path.join(dir, "rpc")
  fs.mkdirSync(path.join(media, "startos/images"), { recursive: true })
  fs.mkdirSync(path.join(media, "startos/volumes/main"), { recursive: true })
  fs.mkdirSync(rpc, { recursive: true })
  fs.writeFileSync(path.join(media, "startos/images/main.json"), JSON.stringify({ user: "root", workdir: "/" }))
  fs.writeFileSync(path.join(media, "startos/images/main.env"), "PATH=/bin\nFIXTURE=1\n")
  const template = path.join(dir, "template")
  busyboxRootfs(template)
  const host = new FakeHost({
    socket: path.join(rpc, "host.sock"),
    media,
    mediaSeenByRuntime: ROOT ? "/media" : media,
    template,
  })
  await host.listen()
  const env = {
    ...process.env,
    STARTOS_SERVICE_SOCK: path.join(rpc, "service.sock"),
    STARTOS_HOST_SOCK: path.join(rpc, "host.sock"),
    STARTOS_PACKAGE_JS: packageJs,
    STARTOS_LOG_LEVEL: "debug",
    STARTOS_RUNTIME_JS: RUNTIME_JS,
    PATH: `${ROOT ? START_CONTAINER_DIR : path.join(HERE, "stub-bin")}:${process.env.PATH}`,
  }
  const cmd = ROOT
    ? ["unshare", [...(IS_ROOT ? [] : ["--user", "--map-root-user"]), "--mount", "--pid", "--fork", "--kill-child=SIGTERM", "--propagation", "private", "--", "sh", "-c",
        'mount --bind "$1" /media && exec "$2"', "sh", media, LAUNCHER]]
    : [LAUNCHER, []]
  const proc = spawn(cmd[0], cmd[1], { env, stdio: ["ignore", "pipe", "pipe"] })
  children.push(proc)
  const logs = []
  for (const s of [proc.stdout, proc.stderr]) s.on("data", (d) => logs.push(...d.toString().split("\n").filter(Boolean)))
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })))
  if (!(await waitForFile(env.STARTOS_SERVICE_SOCK, 10000))) throw new Error(`${name}: runtime did not listen:\n${logs.join("\n")}`)
  const client = new ServiceClient(env.STARTOS_SERVICE_SOCK)
  await client.connect()
  return { client, host, proc, exited, logs }
}

/** unshare ignores SIGTERM; SIGKILLing it makes --kill-child send SIGTERM to the runtime. */
function stopRuntime(rt) {
  rt.proc.kill(ROOT ? "SIGKILL" : "SIGTERM")
}

/** The source compaction and the idle GC, through their own modules (bundled here from src/). */
async function unitChecks() {
  const out = path.join(T, "units.mjs")
  fs.writeFileSync(path.join(T, "units.ts"), `export * from "${RUNTIME_DIR}/src/packageSource"\nexport * from "${RUNTIME_DIR}/src/idleGc"\n`)
  execFileSync(path.join(RUNTIME_DIR, "node_modules/.bin/esbuild"), [path.join(T, "units.ts"), "--bundle", "--platform=node", "--format=esm", "--log-level=error", `--outfile=${out}`])
  const { compactSource, IdleCollector } = await import(out)
  const twoByte = (s) => /[^\x00-\xff]/.test(s)
  const exportsOf = (src) => {
    const module = { exports: {} }
    new Function("module", src)(module)
    return JSON.stringify(module.exports)
  }
  const commented = "module.exports = { s: 'caf\\u00e9 \\u2014', half: 6 / 3 } /* an em dash \u2014 here */ // and a check mark \u2713\n"
  let c = compactSource(Buffer.from(commented))
  check("non-Latin-1 characters in comments are rewritten, so V8 keeps the source one byte per character", !twoByte(c) && /\\u\{2014\}/.test(c), c)
  check("the rewritten source does exactly what the original does", exportsOf(c) === exportsOf(commented), c)
  const inString = "module.exports = '\u2014' // \u2713\n"
  check("a non-Latin-1 character outside comments leaves the whole source as it is", compactSource(Buffer.from(inString)) === inString)
  const lineSep = "// a\u2028module.exports = '\u2014'"
  check("U+2028 ends a line comment, so what follows it is code and stays as it is", compactSource(Buffer.from(lineSep)) === lineSep)
  const tricky = "module.exports = [/\\/\\/'[/]/.test(\"//'\"), `\${ {a: '}'}.a }`] // \u2713\n"
  c = compactSource(Buffer.from(tricky))
  check("regular expressions, strings and templates holding // or quotes do not confuse the comment scan", !twoByte(c) && exportsOf(c) === exportsOf(tricky), c)
  const bundle = path.join(T, "fixture-bundle.js")
  execFileSync(path.join(RUNTIME_DIR, "node_modules/.bin/esbuild"), [path.join(HERE, "fixture/index.js"), "--bundle", "--platform=node", "--log-level=error", `--outfile=${bundle}`])
  const sdkSource = fs.readFileSync(bundle, "utf8")
  c = compactSource(fs.readFileSync(bundle))
  check(`an SDK package bundle (${(sdkSource.length / 2 ** 20).toFixed(1)} MB, UTF-16 as is) becomes one byte per character`, twoByte(sdkSource) && !twoByte(c))

  let collected = 0
  const idle = new IdleCollector(40, () => collected++)
  idle.begin()
  idle.begin()
  idle.end()
  await new Promise((r) => setTimeout(r, 120))
  const whileBusy = collected
  idle.end()
  await new Promise((r) => setTimeout(r, 120))
  const afterQuiet = collected
  await new Promise((r) => setTimeout(r, 120))
  check("one full GC once no RPC has run for a while, none while one is running, no repeats", whileBusy === 0 && afterQuiet === 1 && collected === 1, JSON.stringify({ whileBusy, afterQuiet, collected }))
}

async function main() {
  const started = Date.now()
  console.log(`# runtime tests (${ROOT ? `real start-container in a private mount+pid namespace${IS_ROOT ? "" : " inside a user namespace"}` : "stub start-container"})`)
  await unitChecks()
  const fixture = path.join(HERE, "fixture/index.js")
  const rt = await startRuntime("fixture", fixture)
  const { client, host } = rt

  let r = await client.request("frobnicate", {})
  check("unknown method gets -32601 and names the method", r.error?.code === -32601 && /frobnicate/.test(r.error?.message), JSON.stringify(r))
  r = await client.raw("{not json", null)
  check("malformed JSON gets a parse error", r.error?.code === -32700, JSON.stringify(r))
  r = await client.request("execute", { id: "e0", procedure: "/actions/hello/run", input: null, timeout: null })
  check("execute before init is refused clearly", /not been initialized/.test(r.error?.message ?? ""), JSON.stringify(r))
  r = await client.request("init", { id: "evt-init", kind: "sideways" })
  check("init with a bad kind is refused", r.error?.code === -32602 && /kind/.test(r.error.message), JSON.stringify(r))

  r = await client.request("init", { id: "evt-init", kind: "install" })
  check("init answers null", r.result === null && !r.error, JSON.stringify(r))
  const exported = host.calls.find((c) => c.method === "action.export")
  check("init exports the package's action through action.export", exported?.params?.id === "hello", JSON.stringify(exported))
  check("effects carry the init eventId", exported?.params?.eventId === "evt-init", JSON.stringify(exported?.params))
  const note = host.calls.find((c) => c.method === "notification.create" && c.params.title === "init")
  check("init ran the package's own init with kind=install", /kind=install ip=10\.231\.0\.10/.test(note?.params?.message ?? ""), JSON.stringify(note))
  const watch = host.calls.find((c) => c.method === "get-container-ip")
  check("a callback option is sent as a numeric callback id", Number.isInteger(watch?.params?.callback), JSON.stringify(watch?.params))
  check("host methods are kebab-case with dots for namespaces", host.calls.some((c) => c.method === "set-init-progress") && host.calls.some((c) => c.method === "action.export"))

  // Callback round trip: host -> service.sock callback -> package function -> host effect.
  client.notify("callback", { id: watch.params.callback, args: ["10.231.0.11"] })
  const fired = await host.waitFor("notification from the callback", (c) => c.method === "notification.create" && c.params.title === "callback fired", 5000).catch((e) => e)
  check("callback {id,args} reaches the package's function with its args", fired?.params?.message === '["10.231.0.11"]', String(fired?.message ?? JSON.stringify(fired?.params)))
  r = await client.request("eval", { script: "6 * 7" })
  check("callback sends no response (next reply is for the next request)", r.result === 42 && client.unexpected.length === 0, JSON.stringify({ r, unexpected: client.unexpected }))

  // Actions.
  r = await client.request("execute", { id: "evt-a", procedure: "/actions/hello/getInput", input: { prefill: null }, timeout: 10000 })
  check("getInput returns the action's input shape", r.result?.eventId === "evt-a" && r.result?.spec !== undefined, JSON.stringify(r))
  r = await client.request("execute", { id: "evt-a", procedure: "/actions/hello/run", input: { input: {} }, timeout: 10000 })
  check("run returns the action's result", r.result?.message === "hello from the fixture (event evt-a)", JSON.stringify(r))
  r = await client.request("execute", { id: "evt-b", procedure: "/actions/nope/run", input: {}, timeout: null })
  check("unknown action is named in the error", r.error?.code === 6 && /'nope'/.test(r.error.message), JSON.stringify(r))
  r = await client.request("execute", { id: "evt-c", procedure: "/weird", input: {}, timeout: null })
  check("unknown procedure is refused", r.error?.code === -32602 && /\/weird/.test(r.error.message), JSON.stringify(r))
  host.failWith("get-os-ip", { code: 9, message: "Network", data: { details: "no route to the OS" } })
  r = await client.request("execute", { id: "evt-os", procedure: "/actions/ask-host/run", input: { input: {} }, timeout: 10000 })
  check("a host effect error surfaces in the procedure's error with the host's details", /get-os-ip: Network: no route to the OS/.test(r.error?.message ?? ""), JSON.stringify(r))
  r = await client.request("execute", { id: "evt-slow", procedure: "/actions/slow/run", input: { input: {} }, timeout: 300 })
  check("a procedure over its timeout gets code 71", r.error?.code === 71 && /timed out after 300 ms/.test(r.error.message), JSON.stringify(r))
  host.overrides.clear()

  // Main: start -> health via set-health -> stop.
  r = await client.request("start")
  check("start answers null", r.result === null && !r.error, JSON.stringify(r))
  const created = await host.waitFor("subcontainer.create-fs", (c) => c.method === "subcontainer.create-fs", 10000).catch((e) => e)
  check("the daemon's subcontainer is created through subcontainer.create-fs", created?.params?.imageId === "main", String(created?.message ?? ""))
  const healthy = await host.waitFor("set-health success", (c) => c.method === "set-health" && c.params.result === "success", 20000).catch((e) => e)
  check("the daemon's health check reports success via set-health", healthy?.params?.id === "primary" && healthy?.params?.message === "ready file present",
    String(healthy?.message ?? JSON.stringify(healthy?.params)))
  if (ROOT) check("the daemon ran inside the subcontainer (its output reached the runtime log)", rt.logs.some((l) => l.includes("fixture daemon up")), rt.logs.slice(-20).join("\n"))
  check("the volume is bind-mounted into the subcontainer (start-container bind-mount via the SDK)",
    fs.existsSync(path.join(T, "fixture/media/startos/volumes/main/hello")) &&
      fs.readFileSync(path.join(T, "fixture/media/startos/volumes/main/hello"), "utf8") === "written-by-daemon\n")
  r = await client.request("start")
  check("a second start while running is a no-op", r.result === null, JSON.stringify(r))
  const t0 = Date.now()
  r = await client.request("stop", undefined, 60000)
  const stopMs = Date.now() - t0
  check(`stop terms the daemons and answers null (${stopMs} ms)`, r.result === null && stopMs < 15000, JSON.stringify(r))
  const destroyed = await host.waitFor("subcontainer.destroy-fs", (c) => c.method === "subcontainer.destroy-fs", 10000).catch((e) => e)
  check("stop destroys the subcontainer through subcontainer.destroy-fs", typeof destroyed?.params?.guid === "string", String(destroyed?.message ?? ""))

  // Exit -> uninit -> process leaves.
  r = await client.request("exit", { id: "evt-exit", target: "not a version ~~" })
  check("exit with an unparseable target is refused", r.error?.code === -32602, JSON.stringify(r))
  r = await client.request("exit", { id: "evt-exit", target: null })
  check("exit answers null", r.result === null && !r.error, JSON.stringify(r))
  const status = await Promise.race([rt.exited, new Promise((res) => setTimeout(() => res(null), 5000))])
  check("the runtime leaves with code 0 after exit", status?.code === 0, JSON.stringify(status))
  const dv = host.calls.find((c) => c.method === "set-data-version" && c.params.eventId === "evt-exit")
  check("exit ran the package's uninit (data version cleared)", dv !== undefined && dv.params.version === null, JSON.stringify(dv))
  check("one log line per RPC", rt.logs.filter((l) => / rpc init ok /.test(l)).length === 1 && rt.logs.some((l) => /rpc stop ok/.test(l)), rt.logs.join("\n"))
  client.close()
  host.close()

  // A package whose init throws.
  const bad = await startRuntime("throws", path.join(HERE, "fixture-throws/index.js"))
  r = await bad.client.request("init", { id: "evt-i2", kind: null })
  check("a throwing init returns the package's message", r.error?.message === "fixture init failed on purpose: config.yaml is missing", JSON.stringify(r))
  bad.client.close()
  bad.host.close()
  stopRuntime(bad)
  await bad.exited

  // A missing package.
  const none = await startRuntime("missing", path.join(T, "nope/index.js"))
  r = await none.client.request("init", { id: "evt-i3", kind: null })
  check("a missing package is reported with its path", /cannot load package .*nope\/index\.js/.test(r.error?.message ?? ""), JSON.stringify(r))
  none.client.close()
  none.host.close()
  stopRuntime(none)
  await none.exited

  console.log(`# took ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

let crashed = false
try {
  await main()
} catch (e) {
  crashed = true
  console.log(`FAIL - test run aborted: ${e.stack ?? e}`)
  results.failed++
} finally {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
  await new Promise((r) => setTimeout(r, 100))
  try {
    fs.rmSync(T, { recursive: true, force: true })
  } catch (e) {
    console.log(`# could not remove ${T}: ${e.message}`)
  }
}
console.log(`runtime: ${results.passed} passed, ${results.failed} failed`)
process.exit(results.failed || crashed ? 1 : 0)
