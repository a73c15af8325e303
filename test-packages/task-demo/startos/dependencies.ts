import { sdk } from './sdk'

/**
 * Actions Demo's `configure` action as this package sees it: its id and the part of its input
 * this package asks for. (Real packages import the other package's action from its npm package,
 * as LND does with Bitcoin's; a test package keeps the two packages independent.)
 */
const actionsDemoConfigure = {
  id: 'configure',
  _INPUT: {} as { enabled: boolean; mode: 'fast' | 'safe' | 'off' },
} as const

/** The replay id of the task on Actions Demo (the SDK's default would be the same). */
export const actionsDemoTaskId = 'actions-demo:configure'

/**
 * Actions Demo is optional: when installed, this package asks (every init) for its `configure`
 * action to have Enabled on. The task stays active as long as Actions Demo's current input does
 * not match, and comes back when it stops matching (`once: false`).
 */
export const setDependencies = sdk.setupDependencies(async ({ effects }) => {
  const installed = await effects.getInstalledPackages()
  if (!installed.includes('actions-demo')) return {}
  await sdk.action.createTask(effects, 'actions-demo', actionsDemoConfigure, 'important', {
    replayId: actionsDemoTaskId,
    reason: 'Task Demo needs Actions Demo to be enabled',
    when: { condition: 'input-not-matches', once: false },
    input: { kind: 'partial', accept: [{ enabled: true }], set: { enabled: true } },
  })
  return { 'actions-demo': { kind: 'exists', versionRange: '>=1.0.0:0' } }
})
