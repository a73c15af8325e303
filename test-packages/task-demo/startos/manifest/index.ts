import { setupManifest } from '@start9labs/start-sdk'

export const manifest = setupManifest({
  id: 'task-demo',
  title: 'Task Demo',
  license: 'MIT',
  packageRepo: 'https://github.com/Start9Labs/hello-world-startos',
  upstreamRepo: 'https://busybox.net/',
  marketingUrl: 'https://start9.com/',
  donationUrl: null,
  description: {
    short: { en_US: 'Asks the user to run actions before it can start (test package)' },
    long: {
      en_US:
        'Task Demo creates a critical task at install (it cannot start until its Set Up action ran), an important one, and a task on Actions Demo asking for its Configure action to be run with Enabled on. It exists to test tasks end to end.',
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
    'actions-demo': {
      description: { en_US: 'Task Demo asks Actions Demo to be configured with Enabled on' },
      optional: true,
      metadata: { title: 'Actions Demo', icon: 'icon.svg' },
    },
  },
})
