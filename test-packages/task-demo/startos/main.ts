import { appendFile } from 'node:fs/promises'
import { sdk } from './sdk'
import { dataDir, tag, uiPort } from './utils'

export const main = sdk.setupMain(async ({ effects }) => {
  console.info(`${tag} starting`)
  // one line per start: a critical task must keep this file from ever appearing before Set Up ran
  await appendFile(sdk.volumes.main.subpath('main-started.log'), `${new Date().toISOString()}\n`)
  await sdk.volumes.main.writeFile('www/index.html', '<!doctype html>\n<title>Task Demo</title>\n')

  return sdk.Daemons.of(effects).addDaemon('primary', {
    subcontainer: sdk.SubContainer.of(
      effects,
      { imageId: 'busybox' },
      sdk.Mounts.of().mountVolume({
        volumeId: 'main',
        subpath: null,
        mountpoint: dataDir,
        readonly: false,
      }),
      'task-demo-httpd',
    ),
    exec: { command: ['busybox', 'httpd', '-f', '-p', String(uiPort), '-h', `${dataDir}/www`] },
    ready: {
      display: 'Web Interface',
      fn: () =>
        sdk.healthCheck.checkPortListening(effects, uiPort, {
          successMessage: 'The web interface is ready',
          errorMessage: 'The web interface is not ready',
        }),
    },
    requires: [],
  })
})
