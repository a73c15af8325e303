// Entry point: `node index.js` inside the service's LXC container.
import { describeError, log } from "./log"
import { RpcServer } from "./server"
import { Service } from "./service"

const SERVICE_SOCK = process.env.STARTOS_SERVICE_SOCK ?? "/media/startos/rpc/service.sock"
const HOST_SOCK = process.env.STARTOS_HOST_SOCK ?? "/media/startos/rpc/host.sock"
const PACKAGE_JS = process.env.STARTOS_PACKAGE_JS ?? "/usr/lib/startos/package/index.js"
const SHUTDOWN_GRACE_MS = Number(process.env.STARTOS_SHUTDOWN_GRACE_MS ?? "10000")

process.on("unhandledRejection", (reason) => log.error(`unhandled rejection: ${describeError(reason)}`))
process.on("uncaughtException", (e) => log.error(`uncaught exception: ${e.stack ?? e.message}`))

const service = new Service({ hostSocket: HOST_SOCK, packagePath: PACKAGE_JS })
let leaving = false
const leave = (code: number) => {
  if (leaving) return
  leaving = true
  server.close()
  // Give stdout a tick to flush the last log lines.
  setImmediate(() => process.exit(code))
}
const server = new RpcServer(SERVICE_SOCK, service, () => {
  log.info("exit done; runtime leaving")
  leave(0)
})

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => {
    log.info(`caught ${signal}; stopping main (at most ${SHUTDOWN_GRACE_MS} ms)`)
    const timer = setTimeout(() => leave(0), SHUTDOWN_GRACE_MS)
    service
      .shutdown()
      .catch((e: unknown) => log.error(`stop on ${signal} failed: ${describeError(e)}`))
      .finally(() => {
        clearTimeout(timer)
        leave(0)
      })
  })
}

log.info(`container runtime starting (package ${PACKAGE_JS}, host ${HOST_SOCK})`)
server.listen().catch((e: unknown) => {
  log.error(`cannot listen on ${SERVICE_SOCK}: ${describeError(e)}`)
  process.exit(1)
})
