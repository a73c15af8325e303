import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'hostile',
  title: 'Hostile',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'Attacks the host from inside its container (test package)' },
    long: {
      en_US:
        'Hostile tries every way out of its container a package has: symlinks planted where the host reads or writes, device nodes, foreign certificates and ports, floods of effects and logs. It logs whether each attempt was refused. It exists to prove that the host contains a hostile package.',
    },
  },
  // "swap" is the volume whose root the package replaces with a symlink
  volumes: ['main', 'swap'],
  images: {
    // busybox-static plus a block device node of the host's disk (test-packages/build.sh)
    busybox: {
      source: { dockerTag: 'busybox:1.35.0' },
      arch: ['x86_64'],
    },
  },
  dependencies: {},
})
