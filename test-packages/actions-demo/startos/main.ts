import { sdk } from './sdk'
import { dataDir, tag, uiPort } from './utils'

export const main = sdk.setupMain(async ({ effects }) => {
  console.info(`${tag} starting`)
  await sdk.volumes.main.writeFile(
    'www/index.html',
    `<!doctype html>\n<title>Actions Demo</title>\n<h1>Actions Demo</h1>\n<p>started ${new Date().toISOString()}</p>\n`,
  )

  // a daemon with a health check, so "only-running" and "only-stopped" actions have a status to
  // be checked against
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
      'actions-demo-httpd',
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
