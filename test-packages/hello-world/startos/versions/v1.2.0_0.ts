import { VersionInfo } from '@start9labs/start-sdk'

// only in the 1.2.0-broken release, whose init fails before any migration runs
export const v_1_2_0_0 = VersionInfo.of({
  version: '1.2.0:0',
  releaseNotes: { en_US: 'A broken release: its init fails (test package).' },
  migrations: {
    up: async () => {},
    down: async () => {},
  },
})
