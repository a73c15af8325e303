import { sdk } from './sdk'

export const CRASH_EXIT_CODE = 3

export const main = sdk.setupMain(async ({ effects }) =>
  sdk.Daemons.of(effects).addDaemon('primary', {
    subcontainer: sdk.SubContainer.of(effects, { imageId: 'busybox' }, null, 'crasher-sh'),
    exec: {
      command: [
        'busybox',
        'sh',
        '-c',
        `echo "crasher: started"; sleep 3; echo "crasher: exiting with ${CRASH_EXIT_CODE}" >&2; exit ${CRASH_EXIT_CODE}`,
      ],
    },
    // hidden from the UI: the daemon is ready as soon as it runs
    ready: { display: null, fn: () => ({ result: 'success', message: null }) },
    requires: [],
  }),
)
