import { sdk } from '../sdk'
import { versionGraph } from '../versions'
import { actions } from '../actions'
import { restoreInit } from '../backups'
import { writeJson } from '../utils'

/** The settings as init saw them (`smtp-at-init.json`): one read, no callback. */
const recordSmtpAtInit = sdk.setupOnInit(async (effects) => {
  const smtp = await sdk.getSystemSmtp(effects).once()
  await writeJson('smtp-at-init.json', { smtp: smtp ?? null })
})

export const init = sdk.setupInit(restoreInit, versionGraph, recordSmtpAtInit, actions)

export const uninit = sdk.setupUninit(versionGraph)
