// Type-checks JSON values (database dumps) against StartOS's own API types as the official SDK ships
// them (`T.Public`, `T.ServerInfo`, `T.PackageDataEntry`, …), with `tsc --strict`.
// Each value becomes `const value: T.<Type> = <object literal>;`: as a literal, a field the type does
// not have fails (excess property check) as well as a missing field or a wrong type.
// usage: node db-types-check.mjs jobs.json   (jobs: [{name, type, file}]; `file` holds the JSON value)
// prints `ok: <n> values match` and exits 0, or one line per mismatch
// `<JSON pointer>: <tsc's message> [in <names of the values>]` and exits 1; exits 2 when tsc cannot
// run at all. tsc reports a missing field only once the other fields of its object fit: a value may
// show more mismatches after the first ones are fixed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const sdk = join(here, 'node_modules/@start9labs/start-sdk')
const tsc = join(here, 'node_modules/typescript/bin/tsc')
const TYPE = /^[A-Z][A-Za-z0-9]*$/

// Writes `value` as a TypeScript literal, one field or element per line, and records the JSON pointer
// of each line, so that tsc's line numbers map back to a place in the dump.
function literal(value, pointers) {
  const lines = []
  const escape = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1')
  function emit(v, pointer, prefix, suffix, indent) {
    const pad = '  '.repeat(indent)
    if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v)
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
      if (entries.length === 0) {
        lines.push(pad + prefix + open + close + suffix)
        pointers.push(pointer)
        return
      }
      lines.push(pad + prefix + open)
      pointers.push(pointer)
      entries.forEach(([k, x], i) => {
        const key = Array.isArray(v) ? '' : JSON.stringify(k) + ': '
        emit(x, pointer + '/' + escape(k), key, i < entries.length - 1 ? ',' : '', indent + 1)
      })
      lines.push(pad + close + suffix)
      pointers.push(pointer)
      return
    }
    lines.push(pad + prefix + JSON.stringify(v) + suffix)
    pointers.push(pointer)
  }
  emit(value, '', '', ';', 0)
  return lines
}

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const work = mkdtempSync(join(tmpdir(), 'db-types-check-'))
try {
  const files = []
  const sources = new Map() // file name -> {name, pointers (index = line - 1)}
  jobs.forEach((job, i) => {
    if (!TYPE.test(job.type)) throw new Error(`not a type name: ${job.type}`)
    const value = JSON.parse(readFileSync(job.file, 'utf8'))
    const header = ["import type { T } from '@start9labs/start-sdk'", '']
    const pointers = header.map(() => '')
    const bodyPointers = []
    const body = literal(value, bodyPointers)
    body[0] = `export const value: T.${job.type} = ` + body[0]
    const file = `check-${i}.ts`
    writeFileSync(join(work, file), [...header, ...body, ''].join('\n'))
    files.push(file)
    sources.set(file, { name: job.name, pointers: [...pointers, ...bodyPointers] })
  })
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        // the SDK's own declarations are not what is checked here
        skipLibCheck: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: [],
        paths: { '@start9labs/start-sdk': [sdk] },
      },
      files,
    }),
  )
  // --pretty false: one `file(line,col): error TSxxxx: message` line, continuation lines indented
  const run = spawnSync(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], {
    cwd: work,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  if (run.error) {
    console.error(`cannot run tsc: ${run.error.message}`)
    process.exit(2)
  }
  const out = (run.stdout + run.stderr).split('\n')
  const mismatches = new Map() // `<pointer>: <message>` -> names of the values it was found in
  const head = /^(check-\d+\.ts)\((\d+),(\d+)\): error (TS\d+): (.*)$/
  for (let i = 0; i < out.length; i++) {
    const m = head.exec(out[i])
    if (!m) continue
    const source = sources.get(m[1])
    let message = m[5]
    // tsc's elaboration, indented under the message: keep it, with the long type expansions cut
    while (i + 1 < out.length && /^\s+\S/.test(out[i + 1]) && !head.test(out[i + 1])) {
      message += ' | ' + out[++i].trim()
    }
    if (message.length > 600) message = message.slice(0, 600) + '…'
    const pointer = source ? (source.pointers[Number(m[2]) - 1] ?? '?') : '?'
    const key = `${pointer || '/'}: ${m[4]} ${message}`
    if (!mismatches.has(key)) mismatches.set(key, [])
    mismatches.get(key).push(source ? source.name : m[1])
  }
  if (mismatches.size > 0) {
    for (const [key, names] of mismatches) console.log(`${key} [in ${names.join(', ')}]`)
    process.exit(1)
  }
  if (run.status !== 0) {
    console.error(`tsc failed without a diagnostic on a value:\n${run.stdout}${run.stderr}`)
    process.exit(2)
  }
  console.log(`ok: ${jobs.length} values match`)
} finally {
  if (!process.env.DB_TYPES_CHECK_KEEP) rmSync(work, { recursive: true, force: true })
  else console.error(`kept ${resolve(work)}`)
}
