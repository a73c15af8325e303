import { sdk } from './sdk'
import { dataDir, tag, uiPort } from './utils'
import { watchSmtp } from './smtp'

export const main = sdk.setupMain(async ({ effects }) => {
  console.info(`${tag} starting`)
  watchSmtp(effects)
  await sdk.volumes.main.writeFile('www/index.html', '<!doctype html>\n<title>SMTP Demo</title>\n')

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
      'smtp-demo-httpd',
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
