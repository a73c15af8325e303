// Answers exver questions with the official SDK's TypeScript exver, for ExverCrossCheckTest.
// Usage: node exver-oracle.mjs [cases.jsonl answers.jsonl]
// Without arguments it reads cases from stdin and writes answers to stdout as they come.
// Each input line is one case; the output has one answer line per case, in order:
//   {"k":"range","s":R,"v":[V...],"p":P?}  -> {"ok":true,"print":T,"sat":[bool...],"reSat":[bool...]?} | {"ok":false,"err":E}
//     sat: VersionRange.parse(R).satisfiedBy(ExtendedVersion.parse(V)); reSat: the same for P (our printed form of R)
//   {"k":"ver","a":A,"b":B}                 -> {"ok":[bool,bool],"print":[..],"cmp":"less"|"equal"|"greater"|null}
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

const require = createRequire(import.meta.url)
const { VersionRange, ExtendedVersion } = require(
  '@start9labs/start-sdk/node_modules/@start9labs/start-core/exver',
)

function tryParse(f, s) {
  try {
    return [f(s), null]
  } catch (e) {
    return [null, String(e && e.message ? e.message : e)]
  }
}

function answer(c) {
  if (c.k === 'range') {
    const [range, err] = tryParse((s) => VersionRange.parse(s), c.s)
    if (!range) return { ok: false, err }
    const versions = c.v.map((v) => ExtendedVersion.parse(v))
    const out = { ok: true, print: range.toString(), sat: versions.map((v) => range.satisfiedBy(v)) }
    if (c.p !== undefined) {
      const [again, err2] = tryParse((s) => VersionRange.parse(s), c.p)
      if (!again) out.reErr = err2
      else out.reSat = versions.map((v) => again.satisfiedBy(v))
    }
    return out
  }
  if (c.k === 'ver') {
    const [a] = tryParse((s) => ExtendedVersion.parse(s), c.a)
    const [b] = tryParse((s) => ExtendedVersion.parse(s), c.b)
    return {
      ok: [a !== null, b !== null],
      print: [a && a.toString(), b && b.toString()],
      cmp: a && b ? a.compare(b) : null,
    }
  }
  throw new Error('unknown case kind ' + c.k)
}

const [input, output] = process.argv.slice(2)
if (input) {
  const lines = readFileSync(input, 'utf8').split('\n').filter((l) => l.length > 0)
  writeFileSync(output, lines.map((l) => JSON.stringify(answer(JSON.parse(l)))).join('\n') + '\n')
} else {
  const out = []
  const flush = () => {
    if (out.length > 0) process.stdout.write(out.splice(0).join(''))
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  lines.on('line', (l) => {
    if (l.length === 0) return
    out.push(JSON.stringify(answer(JSON.parse(l))) + '\n')
    if (out.length >= 256) flush()
  })
  lines.on('close', flush)
  // answer promptly when the writer pauses
  setInterval(flush, 20).unref()
}
