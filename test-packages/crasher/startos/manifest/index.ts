import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'crasher',
  title: 'Crasher',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'A daemon that exits with status 3 after three seconds (test package)' },
    long: { en_US: 'Crasher runs one daemon that prints a line, sleeps three seconds and exits with status 3. It exists to test how the server reports and restarts crashed daemons.' },
  },
  volumes: ['main'],
  images: {
    // packed from a busybox-static root filesystem by test-packages/build.sh
    busybox: {
      source: { dockerTag: 'busybox:1.35.0' },
      arch: ['x86_64'],
    },
  },
  dependencies: {},
})
