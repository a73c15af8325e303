import { sdk } from '../sdk'
import { setDependencies } from '../dependencies'
import { setInterfaces } from '../interfaces'
import { release, versionGraph } from '../versions'
import { actions } from '../actions'
import { restoreInit } from '../backups'

// records, in the main volume, every init the service went through
const recordInit = sdk.setupOnInit(async (effects, kind) => {
  const line = `${new Date().toISOString()} ${kind ?? 'start'} ${versionGraph.current.options.version}\n`
  await sdk.volumes.main.writeFile('init.log', line, { flag: 'a' })
})

// the 1.2.0-broken release fails its init first, before it changes anything (a failed update)
const failWhenBroken = sdk.setupOnInit(async () => {
  if (release === '1.2.0-broken') {
    throw new Error('hello-world 1.2.0: deliberate failure during init (test package)')
  }
})

export const init = sdk.setupInit(
  failWhenBroken,
  restoreInit,
  versionGraph,
  setInterfaces,
  setDependencies,
  actions,
  recordInit,
)

export const uninit = sdk.setupUninit(versionGraph)
