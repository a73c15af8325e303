import { sdk } from '../sdk'
import { setDependencies } from '../dependencies'
import { setInterfaces } from '../interfaces'
import { versionGraph } from '../versions'
import { actions } from '../actions'
import { restoreInit } from '../backups'

// records, in the main volume, every init the service went through
const recordInit = sdk.setupOnInit(async (effects, kind) => {
  const line = `${new Date().toISOString()} ${kind ?? 'start'} ${versionGraph.current.options.version}\n`
  await sdk.volumes.main.writeFile('init.log', line, { flag: 'a' })
})

export const init = sdk.setupInit(
  restoreInit,
  versionGraph,
  setInterfaces,
  setDependencies,
  actions,
  recordInit,
)

export const uninit = sdk.setupUninit(versionGraph)
