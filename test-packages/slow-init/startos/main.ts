import { sdk } from './sdk'

// one quiet daemon: the package exists for its init
export const main = sdk.setupMain(async ({ effects }) =>
  sdk.Daemons.of(effects).addDaemon('primary', {
    subcontainer: sdk.SubContainer.of(effects, { imageId: 'busybox' }, null, 'slow-init-sleep'),
    exec: { command: ['busybox', 'sleep', '3600'] },
    // hidden from the UI: the daemon is ready as soon as it runs
    ready: { display: null, fn: () => ({ result: 'success', message: null }) },
    requires: [],
  }),
)
