// Bundles the runtime into one CommonJS file (dist/index.js) so the image needs no node_modules.
import { build } from "esbuild"

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
})
