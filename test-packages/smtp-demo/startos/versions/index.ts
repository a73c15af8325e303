import { VersionGraph } from '@start9labs/start-sdk'
import { v_1_0_0_0 } from './v1.0.0_0'

export const versionGraph = VersionGraph.of({ current: v_1_0_0_0, other: [] })
