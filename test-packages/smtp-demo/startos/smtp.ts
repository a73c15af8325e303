import { once } from 'node:events'
import * as net from 'node:net'
import * as tls from 'node:tls'
import { randomBytes } from 'node:crypto'
import { T } from '@start9labs/start-sdk'
import { sdk } from './sdk'
import { tag, writeJson } from './utils'

type Effects = Parameters<Parameters<typeof sdk.setupMain>[0]>[0]['effects']

/**
 * Writes the system SMTP settings into `smtp.json` in volume main each time the host says they
 * changed (a callback), with `seq` counting the updates. The password is written as the package
 * received it: this is a test package, and the tests check that it arrived.
 */
export function watchSmtp(effects: Effects) {
  let seq = 0
  sdk.getSystemSmtp(effects).onChange((smtp, error) => {
    seq++
    writeJson('smtp.json', { seq, smtp: smtp ?? null, error: error?.message ?? null })
      .then(() => {
        const server = smtp ? `${smtp.host}:${smtp.port}` : 'not set'
        console.info(`${tag} system SMTP ${server} (update ${seq})`)
      })
      .catch((e) => console.error(`${tag} recording the SMTP settings failed: ${e.message}`))
    return { cancel: false }
  })
}

export type Mail = { to: string; subject: string; body: string; allowSelfSigned: boolean }

/** What a send did: the message id, and the dialogue with the server (the password left out). */
export type Sent = { messageId: string; transcript: string[] }

/**
 * Sends one mail through the system SMTP server with Node's sockets (busybox has no SMTP client
 * that speaks TLS): implicit TLS for `tls`, a plain connection upgraded with STARTTLS for
 * `starttls`, then AUTH PLAIN when a username is set.
 */
export async function sendMail(smtp: T.SmtpValue, mail: Mail, transcript: string[]): Promise<Sent> {
  for (const field of [mail.to, mail.subject, smtp.from]) {
    if (/[\r\n]/.test(field)) throw new Error('a mail header must not hold a line break')
  }
  const servername = net.isIP(smtp.host) ? undefined : smtp.host
  const rejectUnauthorized = !mail.allowSelfSigned
  let socket: net.Socket
  if (smtp.security === 'tls') {
    socket = tls.connect({ host: smtp.host, port: smtp.port, servername, rejectUnauthorized })
    await once(socket, 'secureConnect')
  } else {
    socket = net.connect({ host: smtp.host, port: smtp.port })
    await once(socket, 'connect')
  }
  const s = new Session(socket, transcript)
  try {
    s.expect(await s.reply(), 220, 'greeting')
    await s.command('EHLO smtp-demo', 250)
    if (smtp.security === 'starttls') {
      await s.command('STARTTLS', 220)
      await s.upgrade(servername, rejectUnauthorized)
      await s.command('EHLO smtp-demo', 250)
    }
    if (smtp.username) {
      const plain = Buffer.from(`\0${smtp.username}\0${smtp.password ?? ''}`).toString('base64')
      await s.command(`AUTH PLAIN ${plain}`, 235, 'AUTH PLAIN ***')
    }
    const messageId = `<${randomBytes(12).toString('hex')}@smtp-demo>`
    await s.command(`MAIL FROM:<${address(smtp.from)}>`, 250)
    await s.command(`RCPT TO:<${address(mail.to)}>`, 250)
    await s.command('DATA', 354)
    const message = [
      `From: ${smtp.from}`,
      `To: ${mail.to}`,
      `Subject: ${mail.subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      ...mail.body.split(/\r?\n/).map((l) => (l.startsWith('.') ? `.${l}` : l)),
      '.',
    ].join('\r\n')
    await s.command(message, 250, '<message>')
    await s.command('QUIT', 221).catch(() => undefined)
    return { messageId, transcript }
  } finally {
    s.close()
  }
}

/** The address inside `Name <address>`, or the whole string. */
function address(from: string) {
  const m = /<([^>]*)>/.exec(from)
  return (m ? m[1] : from).trim()
}

/** One SMTP dialogue: replies read line by line, multi-line replies joined. */
class Session {
  private buf = ''
  private lines: string[] = []
  private wake: (() => void) | null = null
  private failure: Error | null = null

  constructor(
    private socket: net.Socket,
    private readonly transcript: string[],
  ) {
    this.attach(socket)
  }

  private readonly onData = (d: Buffer) => {
    this.buf += d.toString('utf8')
    let i
    while ((i = this.buf.indexOf('\n')) >= 0) {
      this.lines.push(this.buf.slice(0, i).replace(/\r$/, ''))
      this.buf = this.buf.slice(i + 1)
    }
    this.notify()
  }
  private readonly onError = (e: Error) => {
    this.failure = e
    this.notify()
  }
  private readonly onClose = () => {
    this.failure ??= new Error('the SMTP server closed the connection')
    this.notify()
  }
  private notify() {
    const w = this.wake
    this.wake = null
    w?.()
  }

  private attach(s: net.Socket) {
    s.on('data', this.onData)
    s.on('error', this.onError)
    s.on('close', this.onClose)
    s.setTimeout(20_000, () => s.destroy(new Error('the SMTP server did not answer within 20 s')))
  }

  private detach(s: net.Socket) {
    s.off('data', this.onData)
    s.off('error', this.onError)
    s.off('close', this.onClose)
    s.setTimeout(0)
  }

  private async line(): Promise<string> {
    for (;;) {
      const l = this.lines.shift()
      if (l !== undefined) return l
      if (this.failure) throw this.failure
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  async reply(): Promise<{ code: number; text: string }> {
    const text: string[] = []
    for (;;) {
      const l = await this.line()
      this.transcript.push(`S: ${l}`)
      const m = /^(\d{3})([ -]?)(.*)$/.exec(l)
      if (!m) throw new Error(`the SMTP server sent something that is not a reply: ${l}`)
      text.push(m[3])
      if (m[2] !== '-') return { code: Number(m[1]), text: text.join(' ') }
    }
  }

  expect(r: { code: number; text: string }, code: number, what: string) {
    if (r.code !== code) throw new Error(`the SMTP server refused ${what}: ${r.code} ${r.text}`)
    return r
  }

  async command(line: string, code: number, shown = line) {
    this.transcript.push(`C: ${shown}`)
    this.socket.write(`${line}\r\n`)
    return this.expect(await this.reply(), code, shown.split(' ')[0])
  }

  /** STARTTLS: the same connection, wrapped in TLS. */
  async upgrade(servername: string | undefined, rejectUnauthorized: boolean) {
    this.detach(this.socket)
    const secure = tls.connect({ socket: this.socket, servername, rejectUnauthorized })
    await once(secure, 'secureConnect')
    this.socket = secure
    this.attach(secure)
  }

  close() {
    this.detach(this.socket)
    this.socket.on('error', () => undefined)
    this.socket.destroy()
  }
}
