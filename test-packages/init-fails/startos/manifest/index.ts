import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'init-fails',
  title: 'Init Fails',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'A package whose init always throws (test package)' },
    long: { en_US: 'Init Fails throws an Error with a fixed message from its init function, so that installing it fails. It exists to test how the server reports and cleans up a failed install.' },
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
