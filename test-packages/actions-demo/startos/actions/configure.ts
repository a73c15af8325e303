import { T, z } from '@start9labs/start-sdk'
import { sdk } from '../sdk'
import { readJson, recordRun, writeJson } from '../utils'

const { InputSpec, Value, List, Variants } = sdk

const lowerName = {
  regex: '^[a-z][a-z0-9-]*$',
  description: 'Must start with a lower-case letter and hold only lower-case letters, digits and dashes',
}

/** One field of every input type the SDK offers, each with the constraints a host must check. */
export const configureSpec = InputSpec.of({
  name: Value.text({
    name: 'Name',
    description: 'text: required, 3 to 32 characters, a pattern',
    required: true,
    default: 'demo',
    minLength: 3,
    maxLength: 32,
    patterns: [lowerName],
  }),
  password: Value.text({
    name: 'Password',
    description: 'text: masked, generated, at least 12 characters',
    required: true,
    default: { charset: 'a-z,A-Z,0-9', len: 22 },
    masked: true,
    minLength: 12,
    generate: { charset: 'a-z,A-Z,0-9', len: 22 },
  }),
  email: Value.text({
    name: 'Email',
    description: 'text: optional, inputmode email, a pattern',
    required: false,
    default: null,
    inputmode: 'email',
    placeholder: 'admin@example.com',
    patterns: [{ regex: '^[^@\\s]+@[^@\\s]+$', description: 'Must be an email address' }],
  }),
  motd: Value.textarea({
    name: 'Message of the day',
    description: 'textarea: optional, at most 500 characters',
    required: false,
    default: null,
    maxLength: 500,
    minRows: 3,
    maxRows: 6,
  }),
  port: Value.number({
    name: 'Port',
    description: 'number: required integer from 1024 to 65535',
    required: true,
    default: 8080,
    integer: true,
    min: 1024,
    max: 65535,
  }),
  ratio: Value.number({
    name: 'Cache ratio',
    description: 'number: optional, from 0 to 1 in steps of 0.25',
    required: false,
    default: 0.5,
    integer: false,
    min: 0,
    max: 1,
    step: 0.25,
    units: 'of memory',
  }),
  color: Value.color({
    name: 'Accent color',
    description: 'color: optional',
    required: false,
    default: '#ff8800',
  }),
  startAt: Value.datetime({
    name: 'Start at',
    description: 'datetime: optional, datetime-local from 2020 to 2099',
    required: false,
    default: null,
    inputmode: 'datetime-local',
    min: '2020-01-01T00:00',
    max: '2099-12-31T23:59',
  }),
  day: Value.datetime({
    name: 'Maintenance day',
    description: 'datetime: optional, a date',
    required: false,
    default: null,
    inputmode: 'date',
  }),
  enabled: Value.toggle({
    name: 'Enabled',
    description: 'toggle (Task Demo asks for it to be on)',
    default: false,
  }),
  uploads: Value.triState({
    name: 'Allow uploads',
    description: 'triState: true, false or null',
    default: null,
  }),
  mode: Value.select({
    name: 'Mode',
    description: 'select: one of three',
    default: 'safe',
    values: { fast: 'Fast', safe: 'Safe', off: 'Off' },
  }),
  features: Value.multiselect({
    name: 'Features',
    description: 'multiselect: one to three of four',
    default: ['logs'],
    values: { logs: 'Logs', metrics: 'Metrics', traces: 'Traces', alerts: 'Alerts' },
    minLength: 1,
    maxLength: 3,
  }),
  peers: Value.list(
    List.text(
      {
        name: 'Peers',
        description: 'list of text: at most 5, each host:port',
        default: [],
        minLength: 0,
        maxLength: 5,
      },
      {
        patterns: [{ regex: '^[a-z0-9.-]+:[0-9]{1,5}$', description: 'Must be host:port' }],
        placeholder: 'peer.local:9000',
        minLength: 3,
        maxLength: 64,
      },
    ),
  ),
  users: Value.list(
    List.obj(
      {
        name: 'Users',
        description: 'list of objects: at most 10, unique by username',
        default: [],
        maxLength: 10,
      },
      {
        spec: InputSpec.of({
          username: Value.text({
            name: 'Username',
            required: true,
            default: null,
            maxLength: 32,
            patterns: [lowerName],
          }),
          admin: Value.toggle({ name: 'Admin', default: false }),
        }),
        uniqueBy: 'username',
        displayAs: '{{username}}',
      },
    ),
  ),
  advanced: Value.object(
    { name: 'Advanced', description: 'object: nested fields' },
    InputSpec.of({
      threads: Value.number({
        name: 'Threads',
        required: true,
        default: 2,
        integer: true,
        min: 1,
        max: 16,
      }),
      label: Value.text({ name: 'Label', required: false, default: null, maxLength: 20 }),
    }),
  ),
  backend: Value.union({
    name: 'Backend',
    description: 'union: {selection, value}',
    default: 'internal',
    variants: Variants.of({
      internal: { name: 'Internal', spec: InputSpec.of({}) },
      external: {
        name: 'External',
        spec: InputSpec.of({
          url: Value.text({
            name: 'URL',
            required: true,
            default: null,
            inputmode: 'url',
            patterns: [{ regex: '^https?://.+$', description: 'Must start with http:// or https://' }],
          }),
        }),
      },
    }),
  }),
  certificate: Value.file({
    name: 'Certificate',
    description: 'file: optional, .pem or .crt',
    extensions: ['.pem', '.crt'],
    required: false,
  }),
  // never shown; getInput fills it and it must come back unchanged
  token: Value.hidden(z.string().nullable().default(null)),
})

export type ConfigureInput = typeof configureSpec._TYPE

/** What getInput sends as the hidden field, so a test can see it round-trip. */
export const hiddenToken = 'set-by-get-input'

export const configure = sdk.Action.withInput(
  'configure',
  {
    name: 'Configure',
    description: 'A form with one field of every input type',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
  },
  configureSpec,
  // the current input: what the last run saved (tasks on this action are matched against it)
  async () => {
    const saved = await readJson<ConfigureInput>('config.json')
    return { ...(saved ?? {}), token: hiddenToken }
  },
  async ({ input }) => {
    await recordRun('configure', input)
    await writeJson('config.json', input)
    const result: T.ActionResult = {
      version: '1',
      title: 'Configuration saved',
      message: `Saved the configuration of ${input.name}`,
      result: {
        type: 'group',
        value: [
          single('Name', input.name, { copyable: true }),
          single('Password', input.password, { copyable: true, masked: true }),
          {
            type: 'group',
            name: 'Network',
            description: 'a group inside a group',
            value: [single('Port', String(input.port), {})],
          },
        ],
      },
    }
    return result
  },
)

function single(
  name: string,
  value: string,
  o: { copyable?: boolean; masked?: boolean; qr?: boolean },
): T.ActionResultMember {
  return {
    type: 'single',
    name,
    description: null,
    value,
    copyable: o.copyable ?? false,
    masked: o.masked ?? false,
    qr: o.qr ?? false,
  }
}
