import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'dep-watcher',
  title: 'Dep Watcher',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: {
      en_US: "Serves Hello World's page from its volume and watches its status (test package)",
    },
    long: {
      en_US:
        "Dep Watcher mounts Hello World's main volume read-only, serves its page with busybox httpd on port 80 and logs every change of Hello World's status. It exists to test dependency mounts and reactive reads.",
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
      description: { en_US: 'Dep Watcher serves the page Hello World keeps in its volume' },
      optional: false,
      metadata: { title: 'Hello World', icon: 'icon.svg' },
    },
  },
})
