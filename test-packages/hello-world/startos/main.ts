import { sdk } from './sdk'
import { dataDir, uiPort } from './utils'
import { versionGraph } from './versions'

export const main = sdk.setupMain(async ({ effects }) => {
  const version = versionGraph.current.options.version
  console.info(`Starting Hello World ${version}`)

  // the page the daemon serves, rewritten on every start
  await sdk.volumes.main.writeFile(
    'www/index.html',
    `<!doctype html>\n<title>Hello World</title>\n<h1>Hello World ${version}</h1>\n<p>started ${new Date().toISOString()}</p>\n`,
  )

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
      'hello-world-httpd',
    ),
    exec: {
      command: ['busybox', 'httpd', '-f', '-p', String(uiPort), '-h', `${dataDir}/www`],
    },
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
