// One-line log records on stdout/stderr; the host captures both as the service's log.

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const
export type Level = keyof typeof LEVELS

const threshold: number =
  LEVELS[(process.env.STARTOS_LOG_LEVEL ?? "info").toLowerCase() as Level] ?? LEVELS.info

// A closed log pipe must never take the runtime down or loop through the error handlers.
let logBroken = false
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => (logBroken = true))

function emit(level: Level, message: string): void {
  if (LEVELS[level] < threshold || logBroken) return
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`
  try {
    if (LEVELS[level] >= LEVELS.warn) process.stderr.write(line)
    else process.stdout.write(line)
  } catch {
    logBroken = true
  }
}

export const log = {
  debug: (m: string) => emit("debug", m),
  info: (m: string) => emit("info", m),
  warn: (m: string) => emit("warn", m),
  error: (m: string) => emit("error", m),
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message
  if (typeof e === "string") return e
  try {
    return JSON.stringify(e)
  } catch {
    return String(e)
  }
}
