import { sdk } from '../sdk'
import { recordRun, writeJson } from '../utils'

const { InputSpec, Value } = sdk

/**
 * Requests the host must refuse, one per run, each with its answer recorded in
 * `misbehave-<kind>.json` (`{ok: true}` or `{ok: false, error}`): a task on an action that does
 * not exist, a task on a package that is not installed, and a dependency on itself.
 */
export const misbehave = sdk.Action.withInput(
  'misbehave',
  {
    name: 'Misbehave',
    description: 'Asks the host for something it must refuse',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
  },
  InputSpec.of({
    kind: Value.select({
      name: 'Request',
      default: 'task-missing-action',
      values: {
        'task-missing-action': 'A task on an action that does not exist',
        'task-missing-package': 'A task on a package that is not installed',
        'depend-on-itself': 'A dependency on this package itself',
      },
    }),
  }),
  async () => null,
  async ({ effects, input }) => {
    await recordRun('misbehave', input)
    const requests = {
      'task-missing-action': () =>
        effects.action.createTask({
          replayId: 'task-demo:no-such-action',
          packageId: 'task-demo',
          actionId: 'no-such-action',
          severity: 'important',
        }),
      'task-missing-package': () =>
        effects.action.createTask({
          replayId: 'no-such-package:configure',
          packageId: 'no-such-package',
          actionId: 'configure',
          severity: 'important',
        }),
      'depend-on-itself': () =>
        effects.setDependencies({
          dependencies: [{ kind: 'exists', id: 'task-demo', versionRange: '*' }],
        }),
    }
    try {
      await requests[input.kind]()
      await writeJson(`misbehave-${input.kind}.json`, { ok: true })
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e)
      await writeJson(`misbehave-${input.kind}.json`, { ok: false, error })
    }
  },
)
