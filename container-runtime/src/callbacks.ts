// Callback functions handed to effects become numeric ids; the host fires them via `callback {id, args}`.
import { describeError, log } from "./log"

let nextCallbackId = 1

/**
 * A tree of scopes ("init", "main", "/actions/x/run", ...). Leaving a scope drops its callbacks and runs
 * its leave hooks (the SDK destroys subcontainers there). Callbacks are one-shot, as the SDK expects.
 */
export class CallbackScope {
  private readonly callbacks = new Map<number, (...args: unknown[]) => unknown>()
  private readonly children = new Map<string, CallbackScope>()
  private leaveHooks: Array<() => unknown> = []

  register(fn: (...args: unknown[]) => unknown): number {
    const id = nextCallbackId++
    this.callbacks.set(id, fn)
    return id
  }

  /** A fresh child scope; an existing one of the same name is left first. */
  child(name: string): CallbackScope {
    this.leaveChild(name)
    const scope = new CallbackScope()
    this.children.set(name, scope)
    return scope
  }

  existingChild(name: string): CallbackScope | undefined {
    return this.children.get(name)
  }

  leaveChild(name: string): void {
    const scope = this.children.get(name)
    if (scope) {
      this.children.delete(name)
      scope.leave()
    }
  }

  onLeave(fn: () => unknown): void {
    this.leaveHooks.push(fn)
  }

  leave(): void {
    for (const child of this.children.values()) child.leave()
    this.children.clear()
    this.callbacks.clear()
    const hooks = this.leaveHooks
    this.leaveHooks = []
    for (const hook of hooks) {
      try {
        hook()
      } catch (e) {
        log.warn(`leave hook failed: ${describeError(e)}`)
      }
    }
  }

  private take(id: number): ((...args: unknown[]) => unknown) | undefined {
    const fn = this.callbacks.get(id)
    if (fn) {
      this.callbacks.delete(id)
      return fn
    }
    for (const child of this.children.values()) {
      const found = child.take(id)
      if (found) return found
    }
    return undefined
  }

  /** Runs callback `id` if it is still registered; returns false when it is unknown (already fired or dropped). */
  fire(id: number, args: unknown[]): boolean {
    const fn = this.take(id)
    if (!fn) return false
    Promise.resolve()
      .then(() => fn(...args))
      .catch((e) => log.error(`callback ${id} failed: ${describeError(e)}`))
    return true
  }
}
