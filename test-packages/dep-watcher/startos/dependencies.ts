import { sdk } from './sdk'

// "exists", not "running": the e2e test stops Hello World while Dep Watcher keeps running
export const setDependencies = sdk.setupDependencies(async () => ({
  'hello-world': { kind: 'exists', versionRange: '>=1.0.0:0' },
}))
