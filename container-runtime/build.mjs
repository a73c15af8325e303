// Bundles the runtime into one CommonJS file (dist/index.js) so the image needs no node_modules.
import { readFileSync, writeFileSync } from "node:fs"
import { build } from "esbuild"

const outfile = "dist/index.js"
await build({
  entryPoints: ["src/index.ts"],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  charset: "ascii",
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
})
// esbuild escapes non-ASCII in code (charset ascii) but copies comments as they are; one em dash in an SDK
// comment would make V8 keep the whole bundle's source as UTF-16 (twice its size) for the runtime's lifetime.
const text = readFileSync(outfile, "utf8")
const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => (c === "\u2028" || c === "\u2029" ? "\n" : `\\u{${c.codePointAt(0).toString(16)}}`))
if (ascii !== text) writeFileSync(outfile, ascii)
