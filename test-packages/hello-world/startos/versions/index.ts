import { VersionGraph } from '@start9labs/start-sdk'
import { v_1_0_0_0 } from './v1.0.0_0'
import { v_1_1_0_0 } from './v1.1.0_0'
import { v_1_2_0_0 } from './v1.2.0_0'

// build.sh bundles this package three times; HELLO_WORLD_RELEASE is fixed at bundle time (esbuild
// --define): 1.1.0 (current), 1.0.0, and 1.2.0-broken, whose init fails (see init/index.ts)
export const release = process.env.HELLO_WORLD_RELEASE ?? '1.1.0'

export const versionGraph =
  release === '1.0.0'
    ? VersionGraph.of({ current: v_1_0_0_0, other: [] })
    : release === '1.2.0-broken'
      ? VersionGraph.of({ current: v_1_2_0_0, other: [v_1_1_0_0, v_1_0_0_0] })
      : VersionGraph.of({ current: v_1_1_0_0, other: [v_1_0_0_0] })
