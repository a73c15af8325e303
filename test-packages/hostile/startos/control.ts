/**
 * The e2e test drives the attacks: it drops an empty file named after an attack into
 * volume main's `requests/`; the package runs it, logs each result line as `hostile: <line>`, and
 * writes them to `results/<attack>.txt`, then `results/<attack>.done`. The files are the channel
 * the test trusts, because some attacks break the console log on purpose.
 */
import * as fs from 'node:fs'
import { ATTACKS, Config, Effects } from './attacks'

const MAIN = '/media/startos/volumes/main'
const REQUESTS = `${MAIN}/requests`
const RESULTS = `${MAIN}/results`
export const tag = 'hostile:'

export function serveRequests(effects: Effects) {
  fs.mkdirSync(REQUESTS, { recursive: true })
  fs.mkdirSync(RESULTS, { recursive: true })
  let busy = false
  const timer = setInterval(async () => {
    if (busy) return
    busy = true
    try {
      for (const name of fs.readdirSync(REQUESTS).sort()) {
        fs.rmSync(`${REQUESTS}/${name}`, { force: true })
        await runAttack(effects, name)
      }
    } catch (e) {
      console.error(`${tag} request loop failed: ${e instanceof Error ? e.message : String(e)}`)
    } finally {
      busy = false
    }
  }, 250)
  effects.onLeaveContext(() => clearInterval(timer))
  console.info(`${tag} waiting for attack requests in ${REQUESTS}`)
}

async function runAttack(effects: Effects, name: string) {
  const out = `${RESULTS}/${name}`
  const attack = ATTACKS[name]
  let lines: string[]
  if (!attack) {
    lines = [`${name} error: no such attack (known: ${Object.keys(ATTACKS).join(' ')})`]
  } else {
    try {
      const cfg = JSON.parse(fs.readFileSync(`${MAIN}/config.json`, 'utf8')) as Config
      const outcome = await attack({ effects, cfg })
      lines = outcome.lines
    } catch (e) {
      const m = e instanceof Error ? e.message : String(e)
      // the container could not even set the attack up (a read-only or root-owned path): refused
      lines = /\b(EPERM|EACCES|EROFS|EBUSY)\b/.test(m)
        ? [`${name} refused: the package could not set the attack up: ${m}`]
        : [`${name} error: the attack itself failed: ${e instanceof Error ? e.stack ?? m : m}`]
    }
  }
  const flat = lines.map((l) => l.replace(/\s*\n\s*/g, ' | ').slice(0, 2000))
  for (const l of flat) console.info(`${tag} ${l}`)
  fs.writeFileSync(`${out}.txt`, flat.map((l) => `${tag} ${l}\n`).join(''))
  fs.writeFileSync(`${out}.done`, '')
}
