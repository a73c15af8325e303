import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'dependent-demo',
  title: 'Dependent Demo',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'Needs Hello World running and healthy (test package)' },
    long: {
      en_US:
        "Dependent Demo requires Hello World to be running with its Web Interface health check passing. It serves Hello World's page from Hello World's volume, mounted read-only, and writes what it sees of Hello World (status, interface, host, dependency check) into its own volume on every change. It exists to test dependencies end to end.",
    },
  },
  volumes: ['main'],
  images: {
    // packed from a busybox-static root filesystem by test-packages/build.sh
    busybox: {
      source: { dockerTag: 'busybox:1.35.0' },
      arch: ['x86_64'],
    },
  },
  dependencies: {
    'hello-world': {
      description: { en_US: "Dependent Demo serves Hello World's page and needs it running" },
      optional: false,
      metadata: { title: 'Hello World', icon: 'icon.svg' },
    },
  },
})
