// Opens archives written by our Java writer with the official SDK reader (start-core's
// s9pk/merkleArchive), verifies every listed file, then checks that single-byte changes at the
// requested positions are all rejected.
// usage: node s9pk-verify.mjs jobs.json   (jobs: [{path, files: [..], sdk: bool, positions: [..]}])
// prints one JSON line per job: {path, ok, error, accepted: [positions whose change was accepted]}
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'

const require = createRequire(import.meta.url)
const core = './node_modules/@start9labs/start-sdk/node_modules/@start9labs/start-core'
const { MerkleArchive, ArrayBufferReader } = require(`${core}/s9pk/merkleArchive/index.js`)
const { S9pk } = require(`${core}/s9pk/index.js`)

const MAGIC = [0x3b, 0x3b, 0x02]

async function open(bytes, files, sdk) {
  const blob = new Blob([bytes])
  let archive
  if (sdk) {
    archive = (await S9pk.deserialize(blob, null)).archive
  } else {
    const header = new ArrayBufferReader(await blob.slice(0, 3 + MerkleArchive.headerSize).arrayBuffer())
    const magic = new Uint8Array(header.next(3))
    if (!MAGIC.every((b, i) => magic[i] === b)) throw new Error('Invalid Magic or Unexpected Version')
    archive = await MerkleArchive.deserialize(blob, 's9pk', header, null)
  }
  const contents = {}
  for (const path of files) {
    const entry = archive.contents.getPath(path.split('/'))
    if (!entry) throw new Error(`no entry ${path}`)
    contents[path] = Buffer.from(await entry.verifiedFileContents())
  }
  return contents
}

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'))
for (const job of jobs) {
  const bytes = new Uint8Array(readFileSync(job.path))
  const result = { path: job.path, ok: false, accepted: [] }
  try {
    await open(bytes, job.files, job.sdk)
    result.ok = true
    for (const p of job.positions) {
      for (const flip of [0x01, 0x80]) {
        const m = bytes.slice()
        m[p] ^= flip
        try {
          await open(m, job.files, job.sdk)
        } catch (e) {
          continue
        }
        result.accepted.push(p)
        break
      }
    }
  } catch (e) {
    result.error = String(e && e.message ? e.message : e)
  }
  console.log(JSON.stringify(result))
}
