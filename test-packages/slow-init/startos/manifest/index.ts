import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'slow-init',
  title: 'Slow Init',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'A package whose init waits for a signal file (test package)' },
    long: { en_US: 'Slow Init writes init-waiting into its volume during init and then waits until init-go appears there, so a test can hold an install in its init and cancel it.' },
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
