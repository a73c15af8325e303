// One full garbage collection shortly after the runtime goes quiet. What init, start and actions leave behind
// (loading the package alone leaves megabytes) stays in the heap until V8 next allocates enough to collect,
// which an idle service never does. Needs `node --expose-gc` (the image's start-runtime passes it); without it
// this does nothing.
export class IdleCollector {
  private inFlight = 0
  private dirty = false
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly delayMs: number,
    private readonly collect: (() => void) | undefined = globalThis.gc,
  ) {}

  /** An RPC started: the heap is getting dirty, and the runtime is not idle. */
  begin(): void {
    this.inFlight++
    this.dirty = true
    clearTimeout(this.timer)
  }

  /** An RPC finished: collect after delayMs if no other starts meanwhile. */
  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
    const collect = this.collect
    if (this.inFlight > 0 || !this.dirty || !collect || this.delayMs < 0) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.dirty = false
      collect()
    }, this.delayMs).unref()
  }
}
