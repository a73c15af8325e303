import { symlink } from 'node:fs/promises'
import { sdk } from './sdk'
import { helloDir, tag, uiPort } from './utils'

type Effects = Parameters<Parameters<typeof sdk.setupMain>[0]>[0]['effects']

/** Hello World's main volume, read-only at /hello; `subpath` picks a part of it. */
const helloVolume = (subpath: string | null, mountpoint = helloDir, readonly = true) =>
  sdk.Mounts.of().mountDependency({
    dependencyId: 'hello-world',
    volumeId: 'main',
    subpath,
    mountpoint,
    readonly,
  })

export const main = sdk.setupMain(async ({ effects }) => {
  console.info(`${tag} starting`)
  await registerThenClear(effects)
  watchHelloWorld(effects)
  await tryEscapes(effects)

  return sdk.Daemons.of(effects)
    .addOneshot('probe', {
      subcontainer: sdk.SubContainer.of(
        effects,
        { imageId: 'busybox' },
        helloVolume(null),
        'dep-watcher-probe',
      ),
      exec: { command: ['sh', '-c', probeScript] },
      requires: [],
    })
    .addDaemon('primary', {
      subcontainer: sdk.SubContainer.of(
        effects,
        { imageId: 'busybox' },
        helloVolume(null),
        'dep-watcher-httpd',
      ),
      // serves Hello World's own page, straight from Hello World's volume
      exec: { command: ['busybox', 'httpd', '-f', '-p', String(uiPort), '-h', `${helloDir}/www`] },
      ready: {
        display: 'Web Interface',
        fn: () =>
          sdk.healthCheck.checkPortListening(effects, uiPort, {
            successMessage: 'The web interface is ready',
            errorMessage: 'The web interface is not ready',
          }),
      },
      requires: ['probe'],
    })
})

/**
 * A read, a write and a read-write remount through the read-only dependency mount, each reported
 * on one line.
 */
const probeScript = [
  `if head -c 200 ${helloDir}/www/index.html | grep -q 'Hello World'`,
  `then echo "${tag} read the dependency volume: ok"`,
  `else echo "${tag} read the dependency volume: FAILED"; fi`,
  `if mount -o remount,bind,rw ${helloDir} 2>/tmp/remount-error`,
  `then echo "${tag} remount of the dependency volume read-write SUCCEEDED"`,
  `else echo "${tag} remount of the dependency volume read-write refused: $(cat /tmp/remount-error)"; fi`,
  `if echo probe 2>/tmp/write-error >${helloDir}/dep-watcher-probe`,
  `then echo "${tag} write to the dependency volume SUCCEEDED"`,
  `else echo "${tag} write to the dependency volume refused: $(cat /tmp/write-error)"; fi`,
].join('; ')

/**
 * A status read with a callback, then clear-callbacks: the host must forget it, so its line never
 * shows in the logs however often Hello World's status changes.
 */
async function registerThenClear(effects: Effects) {
  await effects.getStatus({
    packageId: 'hello-world',
    callback: () => console.error(`${tag} a cleared callback FIRED`),
  })
  await effects.clearCallbacks({ except: [] })
  console.info(`${tag} cleared its first callback`)
}

/** Logs every change of Hello World's status and container address, as the host reports it. */
function watchHelloWorld(effects: Effects) {
  let lastStatus = ''
  sdk.getStatus(effects, { packageId: 'hello-world' }).onChange((status, error) => {
    if (error) {
      console.error(`${tag} watching hello-world's status failed: ${error.message}`)
      return { cancel: false }
    }
    const desired = status ? status.desired.main : 'none'
    const started = status?.started ? 'yes' : 'no'
    const health =
      Object.entries(status?.health ?? {})
        .map(([id, h]) => `${id}:${h.result}`)
        .sort()
        .join(',') || '-'
    const line = `desired=${desired} started=${started} health=${health}`
    if (line !== lastStatus) {
      lastStatus = line
      console.info(`${tag} hello-world status ${line}`)
    }
    return { cancel: false }
  })
  effects
    .getServiceInterface({ packageId: 'hello-world', serviceInterfaceId: 'ui' })
    .then(
      (ui) => console.info(`${tag} hello-world interface ui ${ui ? `"${ui.name}"` : 'none'}`),
      (e) => console.error(`${tag} reading hello-world's interface failed: ${e.message}`),
    )
  sdk.getContainerIp(effects, { packageId: 'hello-world' }).onChange((ip, error) => {
    if (error) console.error(`${tag} watching hello-world's address failed: ${error.message}`)
    else console.info(`${tag} hello-world ip ${ip || 'none'}`)
    return { cancel: false }
  })
}

/**
 * Mounts that try to leave Hello World's volume or write to it; each must be refused by the host
 * with a clear error. "symlink" needs Hello World's volume to hold `escape-link` pointing outside of it (the e2e
 * test makes one); "location" points the mountpoint itself at the host through a symlink the package
 * plants in its own subcontainer.
 */
async function tryEscapes(effects: Effects) {
  const attempts: Array<[string, string]> = [
    ['dotdot', '../..'],
    ['absolute', '/etc'],
    ['symlink', 'escape-link'],
  ]
  for (const [kind, subpath] of attempts) {
    const mounts = helloVolume(subpath, '/escape')
    await attempt(kind, () =>
      sdk.SubContainer.withTemp(effects, { imageId: 'busybox' }, mounts, `escape-${kind}`, async () => {}),
    )
  }
  const writable = helloVolume(null, '/escape', false)
  await attempt('writable', () =>
    sdk.SubContainer.withTemp(effects, { imageId: 'busybox' }, writable, 'escape-writable', async () => {}),
  )
  await attempt('location', () =>
    sdk.SubContainer.withTemp(effects, { imageId: 'busybox' }, null, 'escape-location', async (sub) => {
      const location = `${sub.rootfs}/canary-link`
      await symlink('/tmp/dep-watcher-canary', location)
      await effects.mount({
        location,
        target: {
          packageId: 'hello-world',
          volumeId: 'main',
          subpath: null,
          readonly: true,
          idmap: [],
        },
      })
    }),
  )
}

async function attempt(kind: string, fn: () => Promise<unknown>) {
  try {
    await fn()
    console.error(`${tag} escape ${kind} ALLOWED`)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    console.info(`${tag} escape ${kind} refused: ${message}`)
  }
}
