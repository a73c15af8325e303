import { utils } from '@start9labs/start-sdk'
import { sdk } from '../sdk'
import { versionGraph } from '../versions'
import { actions } from '../actions'
import { restoreInit } from '../backups'
import { readJson, writeJson } from '../utils'

/** The secret `show-secret` reveals: made once, at the first init. */
const seedSecret = sdk.setupOnInit(async () => {
  if ((await readJson<string>('secret.json')) === null) {
    await writeJson('secret.json', utils.getDefaultString({ charset: 'a-z,A-Z,0-9', len: 24 }))
  }
})

export const init = sdk.setupInit(restoreInit, versionGraph, seedSecret, actions)

export const uninit = sdk.setupUninit(versionGraph)
