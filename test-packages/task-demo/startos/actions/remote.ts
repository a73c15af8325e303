import { sdk } from '../sdk'
import { recordRun, writeJson } from '../utils'

const { InputSpec, Value } = sdk

/**
 * Runs an action of Actions Demo from inside this package (the `action.run` effect across
 * packages): `ping` is public, `show-secret` is for the user only, so the host must refuse it.
 * The outcome lands in `remote-<actionId>.json`.
 */
export const runRemote = sdk.Action.withInput(
  'run-remote',
  {
    name: 'Run an Action of Actions Demo',
    description: "Runs one of Actions Demo's actions from inside Task Demo",
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
  },
  InputSpec.of({
    actionId: Value.select({
      name: 'Action',
      default: 'ping',
      values: { ping: 'Ping (public)', 'show-secret': 'Show Secret (user only)' },
    }),
  }),
  async () => null,
  async ({ effects, input }) => {
    await recordRun('run-remote', input)
    try {
      const result = await effects.action.run({
        packageId: 'actions-demo',
        actionId: input.actionId,
        input: {},
      })
      await writeJson(`remote-${input.actionId}.json`, { ok: true, result })
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e)
      await writeJson(`remote-${input.actionId}.json`, { ok: false, error })
      throw e
    }
  },
)
