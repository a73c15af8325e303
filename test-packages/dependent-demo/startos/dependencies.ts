import { sdk } from './sdk'
import { helloHealthCheck } from './utils'

// "running": Hello World must run with its "Web Interface" check (daemon `primary`) passing
export const setDependencies = sdk.setupDependencies(async () => ({
  'hello-world': {
    kind: 'running',
    versionRange: '>=1.0.0:0',
    healthChecks: [helloHealthCheck],
  },
}))
