// The service.sock methods, mapped onto the package's exports (init, main, uninit, actions, createBackup).
import { ExtendedVersion, VersionRange } from "./exver"
import { CallbackScope } from "./callbacks"
import { makeEffects } from "./effects"
import { describeError, log } from "./log"
import { loadPackage } from "./packageSource"

/** JSON-RPC error codes used on service.sock (StartOS ErrorKind numbers where one fits). */
export const Codes = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  unknown: 1,
  notFound: 6,
  action: 36,
  invalidState: 38,
  timeout: 71,
} as const

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = "RpcError"
  }
}

type InitKind = "install" | "update" | "restore" | null
type Target = unknown

/** What a package built with @start9labs/start-sdk exports from index.js. */
interface PackageExports {
  init(o: { effects: unknown; kind: InitKind }): Promise<unknown>
  uninit(o: { effects: unknown; target: Target }): Promise<unknown>
  main(o: { effects: unknown }): Promise<{ build(): Promise<{ term(): Promise<unknown> }> }>
  createBackup?(o: { effects: unknown }): Promise<unknown>
  actions?: unknown
  manifest?: { id?: string }
}

interface PackageAction {
  getInput(o: { effects: unknown; prefill: unknown }): Promise<unknown>
  run(o: { effects: unknown; input: unknown }): Promise<unknown>
}

export interface ServiceConfig {
  hostSocket: string
  packagePath: string
}

const INIT_KINDS = new Set(["install", "update", "restore"])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v)
}

function objectParams(method: string, params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {}
  if (!isObject(params)) throw new RpcError(Codes.invalidParams, `${method}: params must be an object`)
  return params
}

function requireString(method: string, params: Record<string, unknown>, key: string): string {
  const v = params[key]
  if (typeof v !== "string" || v === "")
    throw new RpcError(Codes.invalidParams, `${method}: params.${key} must be a non-empty string`)
  return v
}

export function withTimeout<T>(what: string, ms: number | null, work: Promise<T>): Promise<T> {
  if (ms === null || ms <= 0) return work
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RpcError(Codes.timeout, `${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}

export class Service {
  private pkg: PackageExports | undefined
  private root: CallbackScope | undefined
  private running: { term(): Promise<unknown> } | undefined
  private starting: Promise<void> | undefined
  /** Set once `exit` has run uninit; the server then leaves after answering. */
  exitRequested = false

  constructor(private readonly config: ServiceConfig) {}

  async handle(method: string, rawParams: unknown): Promise<unknown> {
    switch (method) {
      case "init":
        return this.init(objectParams(method, rawParams))
      case "start":
        return this.start()
      case "stop":
        return this.stop()
      case "exit":
        return this.exit(objectParams(method, rawParams))
      case "execute":
        return this.execute(objectParams(method, rawParams))
      case "callback":
        return this.callback(objectParams(method, rawParams))
      case "eval":
        return this.evaluate(objectParams(method, rawParams))
      case "sandbox":
        throw new RpcError(Codes.methodNotFound, "sandbox is not implemented by this runtime (use execute)")
      default:
        throw new RpcError(
          Codes.methodNotFound,
          `unknown method '${method}' (expected init, start, stop, exit, execute, callback or eval)`,
        )
    }
  }

  private load(): PackageExports {
    if (this.pkg) return this.pkg
    const path = this.config.packagePath
    let mod: unknown
    try {
      mod = loadPackage(path)
    } catch (e) {
      throw new RpcError(Codes.unknown, `cannot load package ${path}: ${describeError(e)}`)
    }
    const exports = (isObject(mod) && isObject(mod.default) && !("init" in mod) ? mod.default : mod) as Record<
      string,
      unknown
    >
    const missing = ["init", "uninit", "main"].filter((k) => typeof exports?.[k] !== "function")
    if (missing.length)
      throw new RpcError(
        Codes.unknown,
        `package ${path} does not export ${missing.join(", ")} (is it built with @start9labs/start-sdk?)`,
      )
    this.pkg = exports as unknown as PackageExports
    log.info(`loaded package ${this.pkg.manifest?.id ?? "(no manifest id)"} from ${path}`)
    return this.pkg
  }

  private initialized(what: string): PackageExports {
    if (!this.pkg || !this.root) throw new RpcError(Codes.invalidState, `${what}: the runtime has not been initialized (call init first)`)
    return this.pkg
  }

  private async init(params: Record<string, unknown>): Promise<null> {
    const eventId = requireString("init", params, "id")
    const kind = params.kind ?? null
    if (kind !== null && !(typeof kind === "string" && INIT_KINDS.has(kind)))
      throw new RpcError(Codes.invalidParams, `init: params.kind must be install, update, restore or null, not ${JSON.stringify(kind)}`)
    const pkg = this.load()
    this.root ??= new CallbackScope()
    const scope = this.root.child("init")
    await pkg.init({ effects: makeEffects({ hostSocket: this.config.hostSocket, eventId, scope }), kind: kind as InitKind })
    return null
  }

  private async start(): Promise<null> {
    const pkg = this.initialized("start")
    if (this.running) return null
    if (this.starting) {
      await this.starting
      return null
    }
    const root = this.root as CallbackScope
    const scope = root.existingChild("main") ?? root.child("main")
    const effects = makeEffects({ hostSocket: this.config.hostSocket, eventId: null, scope })
    // A watched .const() value changed: the SDK asks for a restart of main.
    let retried = false
    effects.constRetry = () => {
      if (retried) return
      retried = true
      log.info("a watched value changed; asking the host to restart the service")
      effects.restart().catch((e: unknown) => log.error(`restart request failed: ${describeError(e)}`))
    }
    this.starting = (async () => {
      const buildable = await pkg.main({ effects })
      this.running = await buildable.build()
    })()
    try {
      await this.starting
    } finally {
      this.starting = undefined
    }
    return null
  }

  private async stop(): Promise<null> {
    if (this.starting) await this.starting.catch(() => undefined)
    const running = this.running
    this.running = undefined
    try {
      if (running) await running.term()
    } finally {
      this.root?.leaveChild("main")
    }
    return null
  }

  private async exit(params: Record<string, unknown>): Promise<null> {
    const eventId = requireString("exit", params, "id")
    const raw = params.target ?? null
    if (raw !== null && typeof raw !== "string")
      throw new RpcError(Codes.invalidParams, "exit: params.target must be a version, a version range or null")
    let target: unknown = null
    if (typeof raw === "string") {
      try {
        target = ExtendedVersion.parse(raw)
      } catch {
        try {
          target = VersionRange.parse(raw).normalize()
        } catch (e) {
          throw new RpcError(Codes.invalidParams, `exit: target '${raw}' is neither a version nor a version range: ${describeError(e)}`)
        }
      }
    }
    // No init needed: uninstalling a package whose init failed must still run its uninit.
    const pkg = this.load()
    await this.stop()
    await pkg.uninit({ effects: makeEffects({ hostSocket: this.config.hostSocket, eventId }), target })
    this.root?.leave()
    this.exitRequested = true
    return null
  }

  private async execute(params: Record<string, unknown>): Promise<unknown> {
    const eventId = requireString("execute", params, "id")
    const procedure = requireString("execute", params, "procedure")
    const timeout = params.timeout ?? null
    if (timeout !== null && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0))
      throw new RpcError(Codes.invalidParams, "execute: params.timeout must be a non-negative number of milliseconds or null")
    const input = params.input
    const pkg = this.initialized("execute")
    const parts = procedure.split("/")
    let work: () => Promise<unknown>
    if (procedure === "/backup/create") {
      const createBackup = pkg.createBackup
      if (typeof createBackup !== "function") throw new RpcError(Codes.notFound, "this package does not export createBackup")
      work = () => createBackup({ effects: this.procedureEffects(eventId, procedure) })
    } else if (parts.length === 4 && parts[0] === "" && parts[1] === "actions" && parts[2] !== "" && (parts[3] === "getInput" || parts[3] === "run")) {
      const action = this.action(pkg, parts[2])
      const effects = this.procedureEffects(eventId, procedure)
      work =
        parts[3] === "getInput"
          ? () => action.getInput({ effects, prefill: isObject(input) ? (input.prefill ?? null) : null })
          : () => action.run({ effects, input: isObject(input) ? input.input : undefined })
    } else {
      throw new RpcError(
        Codes.invalidParams,
        `execute: unknown procedure '${procedure}' (expected /backup/create, /actions/<id>/getInput or /actions/<id>/run)`,
      )
    }
    const result = await withTimeout(`procedure ${procedure}`, timeout as number | null, work())
    return result ?? null
  }

  private procedureEffects(eventId: string, procedure: string) {
    return makeEffects({ hostSocket: this.config.hostSocket, eventId, scope: this.root?.child(procedure) })
  }

  private action(pkg: PackageExports, id: string): PackageAction {
    const actions: unknown = pkg.actions
    let action: unknown
    if (isObject(actions) && typeof actions.get === "function") action = (actions.get as (id: string) => unknown).call(actions, id)
    else if (isObject(actions)) action = actions[id]
    if (!action || typeof (action as PackageAction).run !== "function")
      throw new RpcError(Codes.notFound, `action '${id}' does not exist in this package`)
    return action as PackageAction
  }

  private callback(params: Record<string, unknown>): null {
    const id = params.id
    const args = params.args ?? []
    if (typeof id !== "number" || !Number.isInteger(id)) {
      log.warn(`callback ignored: params.id must be an integer, got ${JSON.stringify(id)}`)
      return null
    }
    if (!Array.isArray(args)) {
      log.warn(`callback ${id} ignored: params.args must be an array`)
      return null
    }
    if (!this.root) log.warn(`callback ${id} ignored: the runtime has not been initialized`)
    else if (!this.root.fire(id, args)) log.debug(`callback ${id} is no longer registered`)
    return null
  }

  private async evaluate(params: Record<string, unknown>): Promise<unknown> {
    const script = requireString("eval", params, "script")
    // Indirect eval: global scope, for debugging from the host.
    const value: unknown = await (0, eval)(script)
    return value === undefined ? null : value
  }

  /** Best-effort graceful stop when the container is going down. */
  async shutdown(): Promise<void> {
    await this.stop()
  }
}
