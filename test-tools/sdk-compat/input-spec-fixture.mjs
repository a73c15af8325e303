// Writes the InputSpec fixture the Java InputSpecValidatorTest validates against: the form with every
// ValueSpec type from input-spec-form.mjs, built by the official SDK's own builders
// (ISB.InputSpec/Value/List/Variants), so the Java side reads the JSON a real package sends, not a
// hand-written guess. It also records:
// - `sdkParsed`: what the SDK's own validator (`validator.parse`, as Action.run does) makes of `goodInput`
//   (the host must hand the package the same value; the SDK's objects are loose: unknown keys stay);
// - `patternCases`: for the SDK's stock Patterns and some regexes whose meaning differs between JS and
//   Java, whether StartOS's UI check (Angular's Validators.pattern: `^`/`$` added when missing, no flags)
//   accepts each sample, as JavaScript decides it.
// usage (after `npm ci` here): node input-spec-fixture.mjs > ../../daemon/src/test/resources/startos/action/sdk-input-spec.json
import sdk from '@start9labs/start-sdk'
import { Patterns, goodInput, spec } from './input-spec-form.mjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const sdkVersion = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@start9labs/start-sdk/package.json'), 'utf8'),
).version

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
