import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { sdk } from './sdk'

export const uiPort = 80

/** Where volume `main` appears inside the daemon's subcontainer. */
export const dataDir = '/data'

/** The prefix of every line the e2e tests look for in the logs. */
export const tag = 'task-demo:'

/** The value `show-qr` returns (fixed, so a test can compare it). */
/**
 * Records that an action's own handler ran and what it received (after the SDK's validation), in
 * volume main: `last-action.json` (the latest run), `actions/<actionId>.json` (the latest run of
 * that action) and one line per run in `actions.log`. The e2e tests read these from the host.
 */
export async function recordRun(actionId: string, input: unknown) {
  const entry = { actionId, input, at: new Date().toISOString() }
  await writeJson('last-action.json', entry)
  await writeJson(`actions/${actionId}.json`, entry)
  await appendFile(sdk.volumes.main.subpath('actions.log'), JSON.stringify(entry) + '\n')
  console.info(`${tag} ran ${actionId}`)
}

/** Writes to a temporary name, then renames: a reader on the host never sees half a file. */
export async function writeJson(subpath: string, value: unknown) {
  const path = sdk.volumes.main.subpath(subpath)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(`${path}.tmp`, JSON.stringify(value, null, 2) + '\n')
  await rename(`${path}.tmp`, path)
}

/** A JSON file of volume main, or null when it does not exist yet. */
export async function readJson<T>(subpath: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(sdk.volumes.main.subpath(subpath), 'utf8')) as T
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}
