// Loads each built bundle the way `start-cli s9pk pack` reads it and checks the exports StartOS calls.
// Usage: node check-bundles.mjs  (run by build.sh after a rebuild)
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const expected = [
  ['hello-world/javascript/index.js', 'hello-world', '1.1.0:0'],
  ['hello-world/build/v1.0.0/javascript/index.js', 'hello-world', '1.0.0:0'],
  ['hello-world/build/v1.2.0-broken/javascript/index.js', 'hello-world', '1.2.0:0'],
  ['init-fails/javascript/index.js', 'init-fails', '1.0.0:0'],
  ['crasher/javascript/index.js', 'crasher', '1.0.0:0'],
  ['dep-watcher/javascript/index.js', 'dep-watcher', '1.0.0:0'],
  ['slow-init/javascript/index.js', 'slow-init', '1.0.0:0'],
  ['hostile/javascript/index.js', 'hostile', '1.0.0:0'],
  ['actions-demo/javascript/index.js', 'actions-demo', '1.0.0:0'],
  ['task-demo/javascript/index.js', 'task-demo', '1.0.0:0'],
  ['dependent-demo/javascript/index.js', 'dependent-demo', '1.0.0:0'],
  ['smtp-demo/javascript/index.js', 'smtp-demo', '1.0.0:0'],
]
let failed = false
for (const [file, id, version] of expected) {
  const bundle = require('./' + file)
  const m = bundle.manifest
  const missing = ['main', 'init', 'uninit', 'createBackup', 'actions', 'manifest'].filter(
    (name) => bundle[name] === undefined,
  )
  if (!m || m.id !== id || m.version !== version || missing.length > 0) {
    console.error(`test-packages: ${file}: manifest ${m && m.id}@${m && m.version}, missing ${missing}`)
    failed = true
  } else {
    console.log(`test-packages: ${file}: ${m.id} ${m.version} (canMigrateTo ${m.canMigrateTo})`)
  }
}
process.exit(failed ? 1 : 0)
