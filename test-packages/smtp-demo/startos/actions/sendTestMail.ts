import { sdk } from '../sdk'
import { sendMail } from '../smtp'
import { recordRun, writeJson } from '../utils'

const { InputSpec, Value } = sdk

/**
 * Sends one mail through the system SMTP settings. `last-mail.json` in volume main says what
 * happened: the settings used (without the password), the outcome and the dialogue.
 */
export const sendTestMail = sdk.Action.withInput(
  'send-test-mail',
  {
    name: 'Send Test Mail',
    description: "Sends one mail through the server's SMTP settings",
    warning: null,
    allowedStatuses: 'any',
    group: null,
    visibility: 'enabled',
  },
  InputSpec.of({
    to: Value.text({
      name: 'To',
      required: true,
      default: null,
      inputmode: 'email',
      maxLength: 254,
      patterns: [{ regex: '^[^@\\s<>]+@[^@\\s<>]+$', description: 'Must be an email address' }],
    }),
    subject: Value.text({
      name: 'Subject',
      required: true,
      default: 'SMTP Demo test mail',
      maxLength: 200,
      patterns: [{ regex: '^[^\\r\\n]*$', description: 'One line' }],
    }),
    allowSelfSigned: Value.toggle({
      name: 'Accept a self-signed certificate',
      description: 'For test servers only: the server certificate is not verified',
      default: false,
    }),
  }),
  async () => null,
  async ({ effects, input }) => {
    await recordRun('send-test-mail', input)
    const smtp = await sdk.getSystemSmtp(effects).once()
    if (!smtp) {
      await writeJson('last-mail.json', { ok: false, error: 'no system SMTP settings' })
      throw new Error('The server has no SMTP settings: set them first')
    }
    const { host, port, security, from, username } = smtp
    const server = { host, port, security, from, username }
    const transcript: string[] = []
    try {
      const sent = await sendMail(
        smtp,
        { ...input, body: `A test mail from SMTP Demo, sent ${new Date().toISOString()}.` },
        transcript,
      )
      await writeJson('last-mail.json', { ok: true, to: input.to, subject: input.subject, server, ...sent })
      return {
        version: '1',
        title: 'Mail sent',
        message: `Sent to ${input.to} through ${smtp.host}:${smtp.port} (${smtp.security})`,
        result: { type: 'single', value: sent.messageId, copyable: true, masked: false, qr: false },
      }
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e)
      await writeJson('last-mail.json', { ok: false, to: input.to, server, error, transcript })
      throw new Error(`Sending through ${smtp.host}:${smtp.port} failed: ${error}`)
    }
  },
)
