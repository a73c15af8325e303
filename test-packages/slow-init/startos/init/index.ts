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

// a second seam: when the host has created hold-uninit, announce the uninit and hold it until
// uninit-go appears (lets tests kill startd deterministically in the middle of an uninstall)
const holdUninit = async () => {
  if (!existsSync(`${VOLUME}/hold-uninit`)) return
  writeFileSync(`${VOLUME}/uninit-waiting`, 'waiting for uninit-go\n')
  console.log('slow-init: waiting for uninit-go in volume main')
  while (!existsSync(`${VOLUME}/uninit-go`)) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export const uninit = sdk.setupUninit(holdUninit, versionGraph)
