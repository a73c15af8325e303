// Client for the host's effects socket: one connection per call, one JSON line each way.
import * as net from "node:net"

/** An error the host returned for an effect; keeps the host's code and details. */
export class HostError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message)
    this.name = "HostError"
  }
}

let nextId = 0

function hostErrorMessage(method: string, error: { message?: unknown; data?: unknown }): string {
  let message = `${method}: ${typeof error.message === "string" ? error.message : "host error"}`
  const data = error.data
  if (typeof data === "string" && data) message += `: ${data}`
  else if (data && typeof data === "object" && "details" in data && typeof data.details === "string" && data.details)
    message += `: ${data.details}`
  return message
}

export function callHost(socketPath: string, method: string, params: Record<string, unknown>): Promise<unknown> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let settled = false
    const settle = (f: () => void) => {
      if (settled) return
      settled = true
      client.destroy()
      f()
    }
    const client = net.createConnection({ path: socketPath }, () => {
      client.write(JSON.stringify({ id, method, params }) + "\n")
    })
    client.on("data", (data: Buffer) => {
      chunks.push(data)
      if (!data.includes(10)) return
      const line = Buffer.concat(chunks).toString("utf8").split("\n")[0]
      let reply: unknown
      try {
        reply = JSON.parse(line)
      } catch {
        return settle(() => reject(new Error(`${method}: host sent a reply that is not JSON: ${line.slice(0, 200)}`)))
      }
      if (reply && typeof reply === "object" && "error" in reply && reply.error && typeof reply.error === "object") {
        const error = reply.error as { code?: unknown; message?: unknown; data?: unknown }
        const code = typeof error.code === "number" ? error.code : 1
        return settle(() => reject(new HostError(method, code, hostErrorMessage(method, error), error.data)))
      }
      if (reply && typeof reply === "object" && "result" in reply) {
        return settle(() => resolve((reply as { result: unknown }).result))
      }
      settle(() => reject(new Error(`${method}: host reply has neither result nor error: ${line.slice(0, 200)}`)))
    })
    client.on("error", (e) => settle(() => reject(new Error(`${method}: cannot reach host at ${socketPath}: ${e.message}`))))
    client.on("close", () => settle(() => reject(new Error(`${method}: host closed the connection without a reply`))))
  })
}
