// A stand-in for the Java host's effects server on host.sock: records every call and answers like the host
// would for the effects the fixture uses. subcontainer.create-fs makes a real busybox rootfs.
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"

export class FakeHost {
  /** @param {{socket: string, media: string, mediaSeenByRuntime: string, template: string}} o */
  constructor(o) {
    this.o = o
    this.calls = []
    this.waiters = []
    this.overrides = new Map()
    this.server = net.createServer((s) => this.serve(s))
  }

  listen() {
    fs.rmSync(this.o.socket, { force: true })
    return new Promise((resolve) => this.server.listen(this.o.socket, resolve))
  }

  close() {
    this.server.close()
  }

  /** Make `method` answer with this JSON-RPC error instead. */
  failWith(method, error) {
    this.overrides.set(method, error)
  }

  serve(socket) {
    let buf = ""
    socket.setEncoding("utf8")
    socket.on("data", (d) => {
      buf += d
      const i = buf.indexOf("\n")
      if (i < 0) return
      const req = JSON.parse(buf.slice(0, i))
      buf = buf.slice(i + 1)
      this.calls.push({ method: req.method, params: req.params, at: Date.now() })
      const reply = (body) => socket.end(JSON.stringify({ id: req.id, ...body }) + "\n")
      if (this.overrides.has(req.method)) reply({ error: this.overrides.get(req.method) })
      else {
        try {
          reply({ result: this.answer(req.method, req.params ?? {}) })
        } catch (e) {
          reply({ error: { code: 1, message: String(e.message ?? e) } })
        }
      }
      this.notify()
    })
  }

  answer(method, params) {
    switch (method) {
      case "get-container-ip":
        return "10.231.0.10"
      case "get-os-ip":
        return "10.231.0.1"
      case "get-data-version":
        return null
      case "get-dependencies":
      case "get-installed-packages":
        return []
      case "subcontainer.create-fs": {
        const guid = randomBytes(20).toString("hex").slice(0, 32).toUpperCase()
        const dir = path.join(this.o.media, "startos/subcontainers", guid)
        fs.mkdirSync(path.dirname(dir), { recursive: true })
        execFileSync("cp", ["-a", this.o.template, dir])
        if (this.o.owner) execFileSync("chown", ["-R", `${this.o.owner}:${this.o.owner}`, dir])
        return [path.join(this.o.mediaSeenByRuntime, "startos/subcontainers", guid), guid]
      }
      default:
        return null
    }
  }

  notify() {
    for (const w of [...this.waiters]) {
      const hit = this.calls.find(w.pred)
      if (hit) {
        this.waiters.splice(this.waiters.indexOf(w), 1)
        clearTimeout(w.timer)
        w.resolve(hit)
      }
    }
  }

  /** Resolves with the first recorded call matching pred (now or later), rejects after timeoutMs. */
  waitFor(what, pred, timeoutMs = 10000) {
    const hit = this.calls.find(pred)
    if (hit) return Promise.resolve(hit)
    return new Promise((resolve, reject) => {
      const w = { pred, resolve }
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; host saw: ${this.calls.map((c) => c.method).join(", ")}`))
      }, timeoutMs)
      this.waiters.push(w)
    })
  }
}
