// The SDK's own exver parser, for exit's target. Imported from its module directly (not the SDK index) so
// the bundle stays ~120 KB instead of the whole SDK; the path is pinned by package-lock.json.
export { ExtendedVersion, VersionRange } from "../node_modules/@start9labs/start-sdk/node_modules/@start9labs/start-core/exver"
