import { VersionGraph } from '@start9labs/start-sdk'
import { v_1_0_0_0 } from './v1.0.0_0'
import { v_1_1_0_0 } from './v1.1.0_0'

// build.sh bundles this package twice; HELLO_WORLD_RELEASE is fixed at bundle time (esbuild --define)
const release = process.env.HELLO_WORLD_RELEASE ?? '1.1.0'

export const versionGraph =
  release === '1.0.0'
    ? VersionGraph.of({ current: v_1_0_0_0, other: [] })
    : VersionGraph.of({ current: v_1_1_0_0, other: [v_1_0_0_0] })
