import { sdk } from '../sdk'
import { setDependencies } from '../dependencies'
import { versionGraph } from '../versions'
import { actions } from '../actions'
import { setUp, tune } from '../actions/setUp'
import { restoreInit } from '../backups'

/** At install: a critical task (no start before Set Up ran) and an important one. */
const tasksOnInstall = sdk.setupOnInit(async (effects, kind) => {
  if (kind !== 'install') return
  await sdk.action.createOwnTask(effects, setUp, 'critical', {
    reason: 'Create the administrator before the first start',
  })
  await sdk.action.createOwnTask(effects, tune, 'important', {
    reason: 'Pick a cache size that suits this server',
  })
})

export const init = sdk.setupInit(restoreInit, versionGraph, actions, setDependencies, tasksOnInstall)

export const uninit = sdk.setupUninit(versionGraph)
