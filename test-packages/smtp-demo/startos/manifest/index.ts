import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'smtp-demo',
  title: 'SMTP Demo',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: "Reads the server's SMTP settings and sends a test mail (test package)" },
    long: {
      en_US:
        "SMTP Demo reads the server's SMTP settings, writes what it saw into its volume whenever they change, and offers an action that sends one mail through them. It exists to test the system SMTP settings end to end.",
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
