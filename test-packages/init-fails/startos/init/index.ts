import { sdk } from '../sdk'
import { setDependencies } from '../dependencies'
import { setInterfaces } from '../interfaces'
import { versionGraph } from '../versions'
import { actions } from '../actions'
import { restoreInit } from '../backups'

export const INIT_FAILURE_MESSAGE = 'init-fails: deliberate failure during init (test package)'

const failingInit = sdk.setupOnInit(async () => {
  throw new Error(INIT_FAILURE_MESSAGE)
})

export const init = sdk.setupInit(
  restoreInit,
  versionGraph,
  setInterfaces,
  setDependencies,
  actions,
  failingInit,
)

export const uninit = sdk.setupUninit(versionGraph)
