import { VersionInfo } from '@start9labs/start-sdk'
import { rm } from 'node:fs/promises'
import { sdk } from '../sdk'

export const v_1_1_0_0 = VersionInfo.of({
  version: '1.1.0:0',
  releaseNotes: { en_US: 'Second release: leaves a marker file in the main volume.' },
  migrations: {
    up: async () => {
      await sdk.volumes.main.writeFile('migrated-to-1.1.0', 'yes\n')
    },
    // a real down migration, so that 1.0.0 may be installed over 1.1.0
    down: async () => {
      await rm(sdk.volumes.main.subpath('migrated-to-1.1.0'), { force: true })
    },
  },
})
