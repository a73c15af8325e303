// Runs the official SDK's own parser for the form of input-spec-form.mjs (`validator.safeParse`, what
// Action.run does before a package's handler sees the input) on each input given, so a Java test can
// check that whatever the host accepts and hands on, the package's SDK accepts too.
// usage: node input-spec-oracle.mjs inputs.json   (a JSON array of inputs)
// prints a JSON array, one entry per input: {ok: true} or {ok: false, issues: "<zod's message>"}
import { readFileSync } from 'node:fs'
import { spec } from './input-spec-form.mjs'

const inputs = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const built = await spec.build({ effects: {} })
const results = inputs.map((input) => {
  const r = built.validator.safeParse(input)
  return r.success ? { ok: true } : { ok: false, issues: r.error.message }
})
process.stdout.write(JSON.stringify(results) + '\n')
