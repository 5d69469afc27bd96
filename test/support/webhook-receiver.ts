import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/**
 * A webhook receiver on loopback, as an app would run one: it records every
 * request and answers with what `answer` says (default 204).
 */
export class WebhookReceiver {
  readonly received: Received[] = []
  answer: (request: Received) => number = () => 204
  #server: Server | null = null

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
        this.received.push(request)
        res.statusCode = this.answer(request)
        res.end()
      })
    })
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  get port(): number {
    return (this.#server!.address() as AddressInfo).port
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  /** The requests whose JSON body has this `type`. */
  ofType(type: string): Received[] {
    return this.received.filter((r) => JSON.parse(r.body).type === type)
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()))
  }
}

/**
 * Verifies a delivery as the Standard Webhooks specification says a
 * receiver should, written here from the specification with node:crypto and
 * independent of fuselink's signer: the HMAC-SHA256 key is the base64 part
 * of the `whsec_` secret decoded; the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>`; the header is a space-separated
 * list of `v1,<base64>`; the timestamp must be within five minutes.
 */
export function verifyStandardWebhook(secret: string, request: Received, now = Date.now()): boolean {
  const id = request.headers['webhook-id']
  const timestamp = request.headers['webhook-timestamp']
  const header = request.headers['webhook-signature']
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof header !== 'string') return false
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > 300) return false
  if (!secret.startsWith('whsec_')) return false
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest()
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',')
    if (version !== 'v1' || !signature) return false
    const given = Buffer.from(signature, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, what = 'the condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
