// The form with every ValueSpec type that the InputSpec tests use, built with the official SDK's own
// builders, and an input that fills every field. Shared by input-spec-fixture.mjs (writes the JSON the
// Java tests read) and input-spec-oracle.mjs (runs the SDK's parser on what the host accepted).
import sdk from '@start9labs/start-sdk'

const { InputSpec, Value, List, Variants } = sdk.ISB
export const { Patterns } = sdk.utils

const server = InputSpec.of({
  host: Value.text({ name: 'Host', required: true, default: null, patterns: [Patterns.hostname] }),
  port: Value.number({ name: 'Port', required: true, default: 8333, integer: true, min: 1, max: 65535 }),
  note: Value.text({ name: 'Note', required: false, default: null }),
})

export const spec = InputSpec.of({
  name: Value.text({
    name: 'Name',
    required: true,
    default: null,
    minLength: 3,
    maxLength: 12,
    patterns: [{ regex: '[a-z][a-z0-9-]*', description: 'Lowercase letters, digits and dashes, starting with a letter' }],
  }),
  password: Value.text({
    name: 'Password',
    required: true,
    default: { charset: 'a-z,A-Z,0-9', len: 22 },
    masked: true,
    minLength: 8,
    generate: { charset: 'a-z,A-Z,0-9', len: 22 },
  }),
  email: Value.text({ name: 'Email', required: false, default: null, inputmode: 'email', patterns: [Patterns.email] }),
  bio: Value.textarea({ name: 'Bio', required: false, default: null, maxLength: 200 }),
  port: Value.number({ name: 'Port', required: true, default: 8080, integer: true, min: 1, max: 65535, units: 'port' }),
  ratio: Value.number({ name: 'Ratio', required: false, default: null, integer: false, min: 0, max: 1, step: 0.25 }),
  accent: Value.color({ name: 'Accent', required: false, default: '#ff0000' }),
  birthday: Value.datetime({ name: 'Birthday', required: false, default: null, inputmode: 'date', min: '1900-01-01', max: '2100-12-31' }),
  alarm: Value.datetime({ name: 'Alarm', required: true, default: null, inputmode: 'time', min: '06:00', max: '22:00' }),
  meeting: Value.datetime({ name: 'Meeting', required: false, default: null, inputmode: 'datetime-local' }),
  enabled: Value.toggle({ name: 'Enabled', default: true }),
  uploads: Value.triState({ name: 'Allow uploads', default: null }),
  network: Value.select({ name: 'Network', default: 'main', values: { main: 'Mainnet', test: 'Testnet' } }),
  features: Value.multiselect({
    name: 'Features',
    default: [],
    values: { zmq: 'ZMQ', txindex: 'Transaction index', prune: 'Pruning' },
    minLength: 1,
    maxLength: 2,
  }),
  peers: Value.list(
    List.text(
      { name: 'Peers', minLength: 0, maxLength: 3 },
      { patterns: [Patterns.ipv4], minLength: 7, maxLength: 15 },
    ),
  ),
  servers: Value.list(
    List.obj(
      { name: 'Servers', minLength: 1, maxLength: 4 },
      { spec: server, displayAs: '{{host}}:{{port}}', uniqueBy: { all: ['host', 'port'] } },
    ),
  ),
  admins: Value.list(
    List.obj(
      { name: 'Admins' },
      {
        spec: InputSpec.of({
          user: Value.text({ name: 'User', required: true, default: null }),
          mail: Value.text({ name: 'Mail', required: false, default: null }),
        }),
        uniqueBy: { any: ['user', 'mail'] },
      },
    ),
  ),
  advanced: Value.object(
    { name: 'Advanced' },
    InputSpec.of({
      threads: Value.number({ name: 'Threads', required: true, default: 4, integer: true, min: 1, max: 64 }),
      verbose: Value.toggle({ name: 'Verbose', default: false }),
    }),
  ),
  pruning: Value.union({
    name: 'Pruning',
    default: 'disabled',
    variants: Variants.of({
      disabled: { name: 'Disabled', spec: InputSpec.of({}) },
      automatic: {
        name: 'Automatic',
        spec: InputSpec.of({
          size: Value.number({ name: 'Max chain size', required: true, default: 550, integer: true, min: 550, max: 1000000, units: 'MiB' }),
        }),
      },
    }),
  }),
  certificate: Value.file({ name: 'Certificate', required: false, extensions: ['.pem', '.crt'] }),
  token: Value.hidden(),
})

export const goodInput = {
  name: 'alice-1',
  password: 'correct horse battery',
  email: 'alice@example.com',
  bio: 'Hello\nworld',
  port: 8333,
  ratio: 0.5,
  accent: '#00FF7f',
  birthday: '1990-05-17',
  alarm: '07:30',
  meeting: '2030-01-02T10:15',
  enabled: false,
  uploads: null,
  network: 'test',
  features: ['zmq', 'prune'],
  peers: ['10.0.0.1', '192.168.1.20'],
  servers: [
    { host: 'node.example.com', port: 8333, note: null },
    { host: 'node.example.com', port: 18333, note: 'testnet' },
  ],
  admins: [{ user: 'root', mail: null }, { user: 'alice', mail: 'a@example.com' }],
  advanced: { threads: 8, verbose: true },
  pruning: { selection: 'automatic', value: { size: 1024 } },
  certificate: { path: 'upload/cert.pem', commitment: { hash: 'abc', size: 1200 } },
  token: { anything: ['goes', 1] },
  notAField: 'kept by the SDK, whose parser is loose',
}
