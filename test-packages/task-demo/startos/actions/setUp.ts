import { sdk } from '../sdk'
import { recordRun, writeJson } from '../utils'

const { InputSpec, Value } = sdk

/** The action the critical task points to: the service must not start before it ran. */
export const setUp = sdk.Action.withInput(
  'set-up',
  {
    name: 'Set Up',
    description: 'Must be run once before Task Demo can start',
    warning: null,
    allowedStatuses: 'only-stopped',
    group: null,
    visibility: 'enabled',
  },
  InputSpec.of({
    admin: Value.text({
      name: 'Administrator',
      required: true,
      default: 'admin',
      minLength: 1,
      maxLength: 32,
      patterns: [{ regex: '^[a-z]+$', description: 'Only lower-case letters' }],
    }),
  }),
  async () => null,
  async ({ input }) => {
    await recordRun('set-up', input)
    await writeJson('setup.json', input)
    return { version: '1', title: 'Set up', message: `Administrator ${input.admin} created`, result: null }
  },
)

/** The action the important task points to (a recommendation; the service runs without it). */
export const tune = sdk.Action.withInput(
  'tune',
  {
    name: 'Tune',
    description: 'Recommended once after install',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
  },
  InputSpec.of({
    cacheMb: Value.number({
      name: 'Cache size',
      required: true,
      default: 64,
      integer: true,
      min: 16,
      max: 1024,
      units: 'MiB',
    }),
  }),
  async () => null,
  async ({ input }) => {
    await recordRun('tune', input)
  },
)
