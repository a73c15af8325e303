/**
 * Raw JSON-RPC on host.sock, bypassing the runtime's effects object: what a package sends when the
 * SDK's types would not let it send a malicious value, or when it wants many connections at once.
 */
import * as net from 'node:net'

export const RPC_DIR = '/media/startos/rpc'
export const HOST_SOCK = `${RPC_DIR}/host.sock`

export type Reply = { result?: unknown; error?: { code?: number; message?: string; data?: unknown } }

let nextId = 1_000_000

/** One call on its own connection; resolves with the host's reply object, rejects on I/O trouble. */
export function rawCall(
  method: string,
  params: Record<string, unknown>,
  socket = HOST_SOCK,
  timeoutMs = 60_000,
): Promise<Reply> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let settled = false
    const finish = (f: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      client.destroy()
      f()
    }
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${method}: no reply within ${timeoutMs} ms`))),
      timeoutMs,
    )
    const client = net.createConnection({ path: socket }, () => {
      client.write(JSON.stringify({ id, method, params }) + '\n')
    })
    client.on('data', (d: Buffer) => {
      chunks.push(d)
      if (!d.includes(10)) return
      const line = Buffer.concat(chunks).toString('utf8').split('\n')[0]
      try {
        finish(() => resolve(JSON.parse(line) as Reply))
      } catch {
        finish(() => reject(new Error(`${method}: reply is not JSON: ${line.slice(0, 200)}`)))
      }
    })
    client.on('error', (e) => finish(() => reject(new Error(`${method}: ${e.message}`))))
    client.on('close', () =>
      finish(() => reject(new Error(`${method}: host closed the connection without a reply`))),
    )
  })
}

/** The host's error sentence of a reply, including its details. */
export function errorText(r: Reply): string {
  const e = r.error ?? {}
  const data = e.data
  let details = ''
  if (typeof data === 'string') details = data
  else if (data && typeof data === 'object' && 'details' in data) details = String(data.details)
  return `${e.message ?? 'error'}${details ? `: ${details}` : ''} (code ${e.code ?? '?'})`
}
