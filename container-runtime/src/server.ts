// service.sock: newline-delimited JSON-RPC; requests on one connection may run concurrently.
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { IdleCollector } from "./idleGc"
import { describeError, log } from "./log"
import { Codes, RpcError, Service } from "./service"

type Id = string | number | null

function errorBody(e: unknown): { code: number; message: string; data: { details: string; debug?: string } } {
  if (e instanceof RpcError) {
    return { code: e.code, message: e.message, data: { details: e.details === undefined ? e.message : describeError(e.details) } }
  }
  const message = describeError(e)
  return { code: Codes.unknown, message, data: { details: message, debug: e instanceof Error ? e.stack : undefined } }
}

export class RpcServer {
  private readonly server: net.Server
  private readonly idle = new IdleCollector(Number(process.env.STARTOS_IDLE_GC_MS ?? "2000"))

  constructor(
    private readonly socketPath: string,
    private readonly service: Service,
    private readonly onExit: () => void,
  ) {
    this.server = net.createServer((socket) => this.serve(socket))
  }

  listen(): Promise<void> {
    fs.mkdirSync(path.dirname(this.socketPath), { recursive: true })
    fs.rmSync(this.socketPath, { force: true })
    return new Promise((resolve, reject) => {
      this.server.once("error", reject)
      this.server.listen(this.socketPath, () => {
        this.server.off("error", reject)
        log.info(`listening on ${this.socketPath}`)
        resolve()
      })
    })
  }

  close(): void {
    this.server.close()
  }

  private serve(socket: net.Socket): void {
    let buffered = ""
    socket.setEncoding("utf8")
    socket.on("error", (e) => log.warn(`service.sock connection error: ${e.message}`))
    socket.on("data", (chunk: string) => {
      buffered += chunk
      const lines = buffered.split("\n")
      buffered = lines.pop() ?? ""
      for (const line of lines) if (line.trim()) void this.handleLine(socket, line)
    })
  }

  private write(socket: net.Socket, message: object): Promise<void> {
    return new Promise((resolve) => {
      if (socket.destroyed || !socket.writable) return resolve()
      socket.write(JSON.stringify(message) + "\n", () => resolve())
    })
  }

  private async handleLine(socket: net.Socket, line: string): Promise<void> {
    let request: unknown
    try {
      request = JSON.parse(line)
    } catch (e) {
      log.warn(`rpc: request is not JSON: ${line.slice(0, 200)}`)
      await this.write(socket, { jsonrpc: "2.0", id: null, error: errorBody(new RpcError(Codes.parse, `request is not valid JSON: ${describeError(e)}`)) })
      return
    }
    const req = request as { id?: unknown; method?: unknown; params?: unknown }
    const id: Id = typeof req?.id === "string" || typeof req?.id === "number" ? req.id : null
    if (typeof request !== "object" || request === null || Array.isArray(request) || typeof req.method !== "string") {
      log.warn(`rpc: request without a method: ${line.slice(0, 200)}`)
      await this.write(socket, { jsonrpc: "2.0", id, error: errorBody(new RpcError(Codes.invalidRequest, "request must be an object with a string 'method'")) })
      return
    }
    const method = req.method
    const started = Date.now()
    const label = method === "execute" && typeof (req.params as { procedure?: unknown })?.procedure === "string"
      ? `execute ${(req.params as { procedure: string }).procedure}`
      : method
    this.idle.begin()
    try {
      const result = await this.service.handle(method, req.params)
      if (method === "callback") {
        log.debug(`rpc callback ${JSON.stringify((req.params as { id?: unknown })?.id)}`)
        return
      }
      log.info(`rpc ${label} ok (${Date.now() - started} ms)`)
      await this.write(socket, { jsonrpc: "2.0", id, result: result === undefined ? null : result })
    } catch (e) {
      const body = errorBody(e)
      log.warn(`rpc ${label} failed (${Date.now() - started} ms): ${body.message}`)
      if (method === "callback") return
      await this.write(socket, { jsonrpc: "2.0", id, error: body })
    } finally {
      this.idle.end()
    }
    if (this.service.exitRequested) this.onExit()
  }
}
