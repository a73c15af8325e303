// The Effects object handed to the package: every method is one host.sock call.
import type { T } from "@start9labs/start-sdk"
import { CallbackScope } from "./callbacks"
import { callHost } from "./hostClient"
import { log } from "./log"

type Params = Record<string, unknown>

/** Effects whose `callback` option the host watches; it is always sent (a number or null). */
const WATCHABLE = new Set([
  "get-status",
  "get-service-manifest",
  "get-host-info",
  "get-container-ip",
  "get-outbound-gateway",
  "get-service-interface",
  "list-service-interfaces",
  "get-ssl-certificate",
  "get-system-smtp",
])

export interface EffectsContext {
  hostSocket: string
  eventId: string | null
  /** Where callbacks registered through these effects live; absent outside a context (e.g. uninit). */
  scope?: CallbackScope
  constRetry?: () => void
}

export function makeEffects(ctx: EffectsContext): T.Effects {
  const call = (method: string) => async (options?: Params) => {
    const params: Params = { ...(options ?? {}) }
    for (const [key, value] of Object.entries(params)) {
      if (typeof value !== "function") continue
      // Without a scope nobody could ever fire it; the host gets null and simply does not watch.
      params[key] = ctx.scope ? ctx.scope.register(value as (...a: unknown[]) => unknown) : null
    }
    if (WATCHABLE.has(method) && params.callback === undefined) params.callback = null
    if (ctx.eventId !== null) params.eventId = ctx.eventId
    log.debug(`effect ${method}`)
    return callHost(ctx.hostSocket, method, params)
  }
  // The casts stop at this table: each entry is checked against the SDK's Effects keys below.
  const effects: T.Effects = {
    eventId: ctx.eventId,
    child: (name: string) => makeEffects({ ...ctx, scope: ctx.scope?.child(name) }),
    constRetry: ctx.constRetry,
    isInContext: ctx.scope !== undefined,
    onLeaveContext: (fn: () => void | null | undefined) => {
      if (ctx.scope) ctx.scope.onLeave(fn)
      else log.warn("onLeaveContext called on effects that have no context; the hook will never run")
    },
    clearCallbacks: call("clear-callbacks") as T.Effects["clearCallbacks"],
    action: {
      export: call("action.export") as T.Effects["action"]["export"],
      clear: call("action.clear") as T.Effects["action"]["clear"],
      getInput: call("action.get-input") as T.Effects["action"]["getInput"],
      run: call("action.run") as T.Effects["action"]["run"],
      createTask: call("action.create-task") as T.Effects["action"]["createTask"],
      clearTasks: call("action.clear-tasks") as T.Effects["action"]["clearTasks"],
    },
    restart: call("restart") as T.Effects["restart"],
    shutdown: call("shutdown") as T.Effects["shutdown"],
    getStatus: call("get-status") as T.Effects["getStatus"],
    setMainStatus: call("set-main-status") as T.Effects["setMainStatus"],
    setDependencies: call("set-dependencies") as T.Effects["setDependencies"],
    getDependencies: call("get-dependencies") as T.Effects["getDependencies"],
    checkDependencies: call("check-dependencies") as T.Effects["checkDependencies"],
    mount: call("mount") as T.Effects["mount"],
    getInstalledPackages: call("get-installed-packages") as T.Effects["getInstalledPackages"],
    getServiceManifest: call("get-service-manifest") as T.Effects["getServiceManifest"],
    setBackupProgress: call("set-backup-progress") as T.Effects["setBackupProgress"],
    setInitProgress: call("set-init-progress") as T.Effects["setInitProgress"],
    setHealth: call("set-health") as T.Effects["setHealth"],
    notification: {
      create: call("notification.create") as T.Effects["notification"]["create"],
    },
    subcontainer: {
      createFs: call("subcontainer.create-fs") as T.Effects["subcontainer"]["createFs"],
      destroyFs: call("subcontainer.destroy-fs") as T.Effects["subcontainer"]["destroyFs"],
    },
    bind: call("bind") as T.Effects["bind"],
    bindRange: call("bind-range") as T.Effects["bindRange"],
    getServicePortForward: call("get-service-port-forward") as T.Effects["getServicePortForward"],
    clearBindings: call("clear-bindings") as T.Effects["clearBindings"],
    getHostInfo: call("get-host-info") as T.Effects["getHostInfo"],
    getContainerIp: call("get-container-ip") as T.Effects["getContainerIp"],
    getOsIp: call("get-os-ip") as T.Effects["getOsIp"],
    getOutboundGateway: call("get-outbound-gateway") as T.Effects["getOutboundGateway"],
    exportServiceInterface: call("export-service-interface") as T.Effects["exportServiceInterface"],
    exportRangeServiceInterface: call("export-range-service-interface") as T.Effects["exportRangeServiceInterface"],
    getServiceInterface: call("get-service-interface") as T.Effects["getServiceInterface"],
    listServiceInterfaces: call("list-service-interfaces") as T.Effects["listServiceInterfaces"],
    clearServiceInterfaces: call("clear-service-interfaces") as T.Effects["clearServiceInterfaces"],
    plugin: {
      url: {
        register: call("plugin.url.register") as T.Effects["plugin"]["url"]["register"],
        exportUrl: call("plugin.url.export-url") as T.Effects["plugin"]["url"]["exportUrl"],
        clearUrls: call("plugin.url.clear-urls") as T.Effects["plugin"]["url"]["clearUrls"],
      },
    },
    getSslCertificate: call("get-ssl-certificate") as T.Effects["getSslCertificate"],
    getSslKey: call("get-ssl-key") as T.Effects["getSslKey"],
    setDataVersion: call("set-data-version") as T.Effects["setDataVersion"],
    getDataVersion: call("get-data-version") as T.Effects["getDataVersion"],
    getSystemSmtp: call("get-system-smtp") as T.Effects["getSystemSmtp"],
  }
  return effects
}
