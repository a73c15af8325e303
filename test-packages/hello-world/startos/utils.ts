export const uiPort = 80

/** Where the main volume appears inside the subcontainer. */
export const dataDir = '/data'
