import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'actions-demo',
  title: 'Actions Demo',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'Actions with every kind of input field and result (test package)' },
    long: {
      en_US:
        'Actions Demo offers actions whose forms use every input type of the SDK, results that are masked, copyable or shown as a QR code, and actions limited to a status, hidden or disabled. Every action writes what it received into its main volume. It exists to test actions end to end.',
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
  dependencies: {},
})
