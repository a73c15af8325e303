// Test package for the service layer, written against the real @start9labs/start-sdk. The build
// (TestPackages.java) replaces __VERSION__, __OTHER__, __INIT_FAILS__, __STUBBORN__ and __WAITS_IN_INIT__ before
// bundling. A busybox httpd serves /data/www from the "main" volume on port 80; its health check
// is the SDK's checkPortListening.
const { StartSdk, setupManifest, buildManifest, VersionGraph, VersionInfo } = require("@start9labs/start-sdk")

const VERSION = "__VERSION__"
const OTHER = "__OTHER__"
const INIT_FAILS = __INIT_FAILS__
const STUBBORN = __STUBBORN__
const WAITS_IN_INIT = __WAITS_IN_INIT__

const sdkManifest = setupManifest({
  id: "hello-test",
  title: "Hello Test",
  license: "MIT",
  packageRepo: "https://example.invalid/hello-test-startos",
  upstreamRepo: "https://example.invalid/hello-test",
  marketingUrl: "https://example.invalid",
  donationUrl: null,
  description: { short: "Service layer test package", long: "Serves a page from its volume" },
  volumes: ["main"],
  images: { main: { source: { dockerTag: "busybox:latest" }, arch: ["x86_64"] } },
  alerts: { install: null, update: null, uninstall: null, restore: null, start: null, stop: null },
  dependencies: {},
})

const sdk = StartSdk.of().withManifest(sdkManifest).build(true)

const noop = async () => {}
const current = VersionInfo.of({ version: VERSION, releaseNotes: { en_US: "test" }, migrations: { up: noop, down: noop } })
const other = OTHER ? [VersionInfo.of({ version: OTHER, releaseNotes: { en_US: "test" }, migrations: { up: noop, down: noop } })] : []
const versionGraph = VersionGraph.of({ current, other })

const setInterfaces = sdk.setupInterfaces(async ({ effects }) => {
  const multi = sdk.MultiHost.of(effects, "ui-multi")
  const origin = await multi.bindPort(80, { protocol: "http" })
  const ui = sdk.createInterface(effects, {
    name: "Web UI",
    id: "ui",
    description: "The page",
    type: "ui",
    masked: false,
    schemeOverride: null,
    username: null,
    path: "",
    query: {},
  })
  return [await origin.export([ui])]
})

const gate = sdk.setupOnInit(async (effects, kind) => {
  if (INIT_FAILS) throw new Error("hello-test refuses to initialize (built with INIT_FAILS)")
  console.log(`hello-test init kind=${kind} version=${VERSION}`)
  if (WAITS_IN_INIT) {
    // a seam for tests: hold the install in init until the host creates init-go
    const fs = require("fs")
    const volume = "/media/startos/volumes/main"
    fs.writeFileSync(`${volume}/init-waiting`, VERSION)
    while (!fs.existsSync(`${volume}/init-go`)) await new Promise((r) => setTimeout(r, 100))
  }
})

const hello = sdk.Action.withoutInput(
  "hello",
  async () => ({ name: "Say hello", description: "Greets", warning: null, visibility: "enabled", allowedStatuses: "any", group: null }),
  async () => ({ version: "1", title: "Hello", message: "hello", result: null }),
)
const actions = sdk.Actions.of().addAction(hello)

exports.manifest = buildManifest(versionGraph, sdkManifest)
exports.actions = actions
exports.createBackup = async () => {}
exports.init = sdk.setupInit(versionGraph, setInterfaces, gate, actions)
exports.uninit = sdk.setupUninit(versionGraph)
exports.main = sdk.setupMain(async ({ effects }) => {
  const mounts = sdk.Mounts.of().mountVolume({ volumeId: "main", subpath: null, mountpoint: "/data", readonly: false })
  const sub = sdk.SubContainer.of(effects, { imageId: "main" }, mounts, "web")
  const command = STUBBORN
    ? ["sh", "-c", "trap '' TERM; echo stubborn up; httpd -p 80 -h /; while true; do sleep 1; done"]
    : ["sh", "-c", `mkdir -p /data/www; [ -f /data/www/index.html ] || echo "hello from ${VERSION}" > /data/www/index.html; echo serving; exec httpd -f -p 80 -h /data/www`]
  return sdk.Daemons.of(effects).addDaemon("web", {
    subcontainer: sub,
    exec: { command, sigtermTimeout: STUBBORN ? 2000 : 30000 },
    ready: {
      display: "Web",
      fn: () => sdk.healthCheck.checkPortListening(effects, 80, { successMessage: "listening", errorMessage: "not listening" }),
    },
    requires: [],
  })
})
