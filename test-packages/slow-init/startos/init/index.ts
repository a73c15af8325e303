import { existsSync, writeFileSync } from 'fs'
import { sdk } from '../sdk'
import { setDependencies } from '../dependencies'
import { setInterfaces } from '../interfaces'
import { versionGraph } from '../versions'
import { actions } from '../actions'
import { restoreInit } from '../backups'

/** Where the host sees volume main: <data-dir>/packages/slow-init/volumes/main. */
const VOLUME = '/media/startos/volumes/main'

// a seam for tests: announce the wait, then hold the install until the host creates init-go
const waitForGo = sdk.setupOnInit(async () => {
  writeFileSync(`${VOLUME}/init-waiting`, 'waiting for init-go\n')
  console.log('slow-init: waiting for init-go in volume main')
  while (!existsSync(`${VOLUME}/init-go`)) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  console.log('slow-init: init-go found, init done')
})

export const init = sdk.setupInit(
  restoreInit,
  versionGraph,
  setInterfaces,
  setDependencies,
  actions,
  waitForGo,
)

export const uninit = sdk.setupUninit(versionGraph)
