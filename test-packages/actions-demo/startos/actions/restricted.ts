import { rm } from 'node:fs/promises'
import { sdk } from '../sdk'
import { recordRun } from '../utils'

/** Allowed only while the service runs. */
export const onlyRunning = sdk.Action.withoutInput(
  'only-running',
  {
    name: 'Reload (running only)',
    description: 'May only run while the service is running',
    warning: null,
    allowedStatuses: 'only-running',
    group: 'Status',
    visibility: 'enabled',
  },
  async ({ input }) => {
    await recordRun('only-running', input)
    return { version: '1', title: 'Reloaded', message: 'The running service was reloaded.', result: null }
  },
)

/** Allowed only while the service is stopped; removes the saved configuration. */
export const onlyStopped = sdk.Action.withoutInput(
  'only-stopped',
  {
    name: 'Reset Configuration (stopped only)',
    description: 'May only run while the service is stopped',
    warning: 'This removes the saved configuration.',
    allowedStatuses: 'only-stopped',
    group: 'Status',
    visibility: 'enabled',
  },
  async ({ input }) => {
    await recordRun('only-stopped', input)
    await rm(sdk.volumes.main.subpath('config.json'), { force: true })
  },
)

/** Not shown to the user; tasks and other packages can still name it. */
export const hiddenAction = sdk.Action.withoutInput(
  'hidden-action',
  {
    name: 'Hidden',
    description: 'Hidden from the user',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'hidden',
  },
  async ({ input }) => {
    await recordRun('hidden-action', input)
  },
)

export const disabledReason = 'Disabled on purpose: this action exists to test disabled actions'

/** Shown but disabled, with the reason the user sees. */
export const disabledAction = sdk.Action.withoutInput(
  'disabled-action',
  {
    name: 'Disabled',
    description: 'Shown, but cannot be run',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: { disabled: disabledReason },
  },
  async ({ input }) => {
    await recordRun('disabled-action', input)
  },
)

export const failureMessage = 'actions-demo: deliberate failure (test package)'

/** Its handler throws after recording the run: the user must see the package's own message. */
export const fails = sdk.Action.withoutInput(
  'fails',
  {
    name: 'Fail',
    description: 'Always fails, with a message of its own',
    warning: null,
    allowedStatuses: 'any',
    group: 'Status',
    visibility: 'enabled',
  },
  async ({ input }) => {
    await recordRun('fails', input)
    throw new Error(failureMessage)
  },
)
