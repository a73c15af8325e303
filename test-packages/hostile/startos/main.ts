import { serveRequests, tag } from './control'
import { sdk } from './sdk'

export const main = sdk.setupMain(async ({ effects }) => {
  console.info(`${tag} starting`)
  serveRequests(effects)
  return sdk.Daemons.of(effects).addDaemon('primary', {
    subcontainer: sdk.SubContainer.of(effects, { imageId: 'busybox' }, null, 'hostile-idle'),
    exec: { command: ['busybox', 'httpd', '-f', '-p', '80', '-h', '/tmp'] },
    ready: {
      display: 'Web Interface',
      fn: () =>
        sdk.healthCheck.checkPortListening(effects, 80, {
          successMessage: 'Listening',
          errorMessage: 'Not listening',
        }),
    },
    requires: [],
  })
})
