// Writes the InputSpec fixture the Java InputSpecValidatorTest validates against: a form with every
// ValueSpec type, built by the official SDK's own builders (ISB.InputSpec/Value/List/Variants), so the
// Java side reads the JSON a real package sends, not a hand-written guess. It also records:
// - `sdkParsed`: what the SDK's own validator (`validator.parse`, as Action.run does) makes of `goodInput`
//   (the host must hand the package the same value; the SDK's objects are loose: unknown keys stay);
// - `patternCases`: for the SDK's stock Patterns and some regexes whose meaning differs between JS and
//   Java, whether StartOS's UI check (Angular's Validators.pattern: `^`/`$` added when missing, no flags)
//   accepts each sample, as JavaScript decides it.
// usage (after `npm ci` here): node input-spec-fixture.mjs > ../../daemon/src/test/resources/startos/action/sdk-input-spec.json
import sdk from '@start9labs/start-sdk'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const sdkVersion = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@start9labs/start-sdk/package.json'), 'utf8'),
).version

const { InputSpec, Value, List, Variants } = sdk.ISB
const { Patterns } = sdk.utils

const server = InputSpec.of({
  host: Value.text({ name: 'Host', required: true, default: null, patterns: [Patterns.hostname] }),
  port: Value.number({ name: 'Port', required: true, default: 8333, integer: true, min: 1, max: 65535 }),
  note: Value.text({ name: 'Note', required: false, default: null }),
})

const spec = InputSpec.of({
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

const goodInput = {
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

const built = await spec.build({ effects: {} })

// Angular's Validators.pattern(string): `^` prepended and `$` appended when missing, RegExp without flags,
// `test` on the value.
const uiAccepts = (regex, value) =>
  new RegExp((regex.startsWith('^') ? '' : '^') + regex + (regex.endsWith('$') ? '' : '$')).test(value)

const patternSamples = {
  ipv4: ['10.0.0.1', '255.255.255.255', '256.1.1.1', '1.2.3', 'a.b.c.d'],
  ipv6: ['::1', 'fe80::1', '2001:db8::8a2e:370:7334', '1:2:3', 'gggg::1'],
  hostname: ['example.com', 'a-b.c', '-bad.com', 'bad-.com', 'x'],
  localHostname: ['adjective-noun.local', 'x.localx', 'local'],
  url: ['https://start9.com/x?y=1', 'http://a.b', 'ftp://a.b', 'https://'],
  localUrl: ['http://adjective-noun.local', 'https://x.local/p', 'http://x.com'],
  ascii: ['hello', 'héllo', ''],
  domain: ['start9.com', 'sub.start9.com', 'start9', '.com'],
  email: ['a@b.co', 'a.b+c@d.org', 'a@b', '@b.co', 'a b@c.de'],
  emailWithName: ['Alice <a@b.co>', 'a@b.co', 'Alice a@b.co'],
  base64: ['aGVsbG8=', 'aGVsbG8', 'a', '!!!!'],
}
const patternCases = []
for (const [key, samples] of Object.entries(patternSamples)) {
  const p = Patterns[key]
  patternCases.push({ name: key, regex: p.regex, samples: samples.map((s) => ({ value: s, accepts: uiAccepts(p.regex, s) })) })
}
// regexes whose JavaScript meaning Java's syntax would change if copied verbatim
const tricky = {
  endBeforeNewline: ['[a-z]+$', ['abc', 'abc\n']],
  dotAndNel: ['a.b', ['a-b', 'a\u0085b', 'a\nb', 'a\u2028b']],
  emptyClass: ['a[]', ['a', 'a]']],
  anyClass: ['a[^]b', ['a\nb', 'axb', 'ab']],
  bracketInClass: ['[a[b]+', ['a[b', 'ab[', 'c']],
  ampersandsInClass: ['[a&&b]+', ['a&b', 'ab', '&&', 'c']],
  literalBrace: ['a{,2}', ['a{,2}', 'aa']],
  braceWord: ['x{y}', ['x{y}']],
  verticalTab: ['a\\vb', ['a\u000bb', 'a\nb']],
  unicodeSpace: ['a\\sb', ['a b', 'a\u00a0b', 'a\u3000b', 'axb']],
  notSpaceInClass: ['[\\S]+', ['abc', 'a\u00a0b', 'a b']],
  identityEscape: ['\\Qa\\E', ['QaE', 'a']],
  nulEscape: ['a\\0', ['a\u0000', 'a0']],
  backspaceInClass: ['[\\b]', ['\b', 'b']],
  alternationUnanchored: ['a|b', ['a', 'b', 'ab', 'ba', 'ax', 'xb', 'xa']],
  anchoredAlternation: ['^(a|b)$', ['a', 'b', 'ab']],
  unicodeEscape: ['\\u0041\\x42', ['AB', 'u0041x42']],
  brokenUnicodeEscape: ['\\u00g', ['u00g']],
  lookahead: ['(?=.*\\d)(?=.*[a-z]).{8,}', ['abcdefg1', 'abcdefgh', '12345678']],
}
for (const [name, [regex, samples]] of Object.entries(tricky)) {
  patternCases.push({ name, regex, samples: samples.map((s) => ({ value: s, accepts: uiAccepts(regex, s) })) })
}

process.stdout.write(
  JSON.stringify(
    {
      generatedBy: 'test-tools/sdk-compat/input-spec-fixture.mjs with @start9labs/start-sdk ' + sdkVersion,
      spec: built.spec,
      goodInput,
      sdkParsed: built.validator.parse(goodInput),
      patternCases,
    },
    null,
    2,
  ) + '\n',
)
