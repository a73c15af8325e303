import { sdk } from './sdk'
import { helloDir, tag, uiPort, writeJson } from './utils'

type Effects = Parameters<Parameters<typeof sdk.setupMain>[0]>[0]['effects']

export const main = sdk.setupMain(async ({ effects }) => {
  console.info(`${tag} starting`)
  watchHelloWorld(effects)

  return sdk.Daemons.of(effects).addDaemon('primary', {
    subcontainer: sdk.SubContainer.of(
      effects,
      { imageId: 'busybox' },
      sdk.Mounts.of().mountDependency({
        dependencyId: 'hello-world',
        volumeId: 'main',
        subpath: null,
        mountpoint: helloDir,
        readonly: true,
      }),
      'dependent-demo-httpd',
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
    requires: [],
  })
})

/**
 * Writes what the host says of Hello World into volume main on every change it is told of
 * (callbacks): `hello-world-status.json`, `dependencies.json` (check-dependencies),
 * `hello-world-interface.json` and `hello-world-host.json`. Each file counts its updates in `seq`.
 */
function watchHelloWorld(effects: Effects) {
  let statusSeq = 0
  sdk.getStatus(effects, { packageId: 'hello-world' }).onChange((status, error) => {
    void (async () => {
      statusSeq++
      await writeJson('hello-world-status.json', {
        seq: statusSeq,
        status: status ?? null,
        error: error?.message ?? null,
      })
      const check = await effects.checkDependencies({ packageIds: ['hello-world'] })
      await writeJson('dependencies.json', { seq: statusSeq, check })
      const desired = status ? status.desired.main : 'none'
      console.info(`${tag} hello-world status ${desired} (update ${statusSeq})`)
    })().catch((e) => console.error(`${tag} recording hello-world's status failed: ${e.message}`))
    return { cancel: false }
  })

  let hostSeq = 0
  sdk.host.get(effects, { hostId: 'ui-multi', packageId: 'hello-world' }).onChange((host, error) => {
    hostSeq++
    const bindings = host ? Object.keys(host.bindings) : null
    writeJson('hello-world-host.json', { seq: hostSeq, bindings, error: error?.message ?? null }).catch(
      (e) => console.error(`${tag} recording hello-world's host failed: ${e.message}`),
    )
    return { cancel: false }
  })

  // the raw effect: its callback fires once, then the interface is read again with a new one
  let interfaceSeq = 0
  const readInterface = () => {
    effects
      .getServiceInterface({ packageId: 'hello-world', serviceInterfaceId: 'ui', callback: readInterface })
      .then((ui) => {
        interfaceSeq++
        return writeJson('hello-world-interface.json', {
          seq: interfaceSeq,
          name: ui?.name ?? null,
          type: ui?.type ?? null,
        })
      })
      .catch((e) => console.error(`${tag} reading hello-world's interface failed: ${e.message}`))
  }
  readInterface()
}
