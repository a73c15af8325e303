export const uiPort = 80

/** Where Hello World's main volume appears (read-only) inside the subcontainer. */
export const helloDir = '/hello'

/** The prefix of every line the e2e test looks for in the logs. */
export const tag = 'dep-watcher:'
