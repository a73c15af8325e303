import { sdk } from './sdk'

// no network interfaces
export const setInterfaces = sdk.setupInterfaces(async () => [])
