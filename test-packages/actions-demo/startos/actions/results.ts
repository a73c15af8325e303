import { sdk } from '../sdk'
import { qrValue, readJson, recordRun } from '../utils'

/** No input, no result: the handler only records that it ran. Other packages may run it. */
export const ping = sdk.Action.withoutInput(
  'ping',
  {
    name: 'Ping',
    description: 'No input and no result; any package may run it',
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
    access: 'public',
  },
  async ({ input }) => {
    await recordRun('ping', input)
  },
)

/** A masked, copyable value: the secret made at the first init. Only the user may run it. */
export const showSecret = sdk.Action.withoutInput(
  'show-secret',
  {
    name: 'Show Secret',
    description: 'Reveals the secret made at install (masked, copyable)',
    warning: null,
    allowedStatuses: 'any',
    group: 'Results',
    visibility: 'enabled',
    access: 'user',
  },
  async ({ input }) => {
    await recordRun('show-secret', input)
    const secret = await readJson<string>('secret.json')
    if (secret === null) throw new Error('actions-demo: there is no secret (secret.json is missing)')
    return {
      version: '1',
      title: 'Secret',
      message: 'Keep it somewhere safe.',
      result: { type: 'single', value: secret, copyable: true, masked: true, qr: false },
    }
  },
)

/** A value meant to be shown as a QR code. */
export const showQr = sdk.Action.withoutInput(
  'show-qr',
  {
    name: 'Show Pairing Code',
    description: 'A value shown as a QR code',
    warning: null,
    allowedStatuses: 'any',
    group: 'Results',
    visibility: 'enabled',
  },
  async ({ input }) => {
    await recordRun('show-qr', input)
    return {
      version: '1',
      title: 'Pairing code',
      message: 'Scan it with your phone.',
      result: { type: 'single', value: qrValue, copyable: true, masked: false, qr: true },
    }
  },
)
