import type { OutgoingWebhook, WebhookTransport } from '../core/ports'

/** The most of a receiver's answer that is read. */
const MAX_ANSWER_BYTES = 64 * 1024
/** DNS-over-HTTPS lookups must not hold a delivery long. */
const RESOLVE_TIMEOUT_MS = 5000
/** Cloudflare's public resolver, the one a Worker's own fetch resolves through. */
export const CLOUDFLARE_DOH = 'https://cloudflare-dns.com/dns-query'

const RECORD_TYPES = { A: 1, AAAA: 28 } as const

interface DnsJson {
  Status: number
  Answer?: { type: number; data: string }[]
}

/**
 * Webhook deliveries through fetch, for the Worker (docs/webhooks.md, "Where
 * deliveries may go"). A Worker cannot resolve names itself nor choose the
 * address fetch connects to: `resolve` asks a DNS-over-HTTPS resolver for
 * the A and AAAA records so that the receiver check sees the addresses, and
 * fetch then resolves the name again on its own. `localhost` names are
 * loopback without asking (RFC 6761). No redirect is followed, at most
 * 64 KiB of the answer is read, one deadline covers the attempt.
 */
export class FetchWebhookTransport implements WebhookTransport {
  constructor(private readonly resolver: string = CLOUDFLARE_DOH) {}

  async resolve(host: string): Promise<string[]> {
    if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1', '::1']
    const answers = await Promise.all((Object.keys(RECORD_TYPES) as (keyof typeof RECORD_TYPES)[]).map((type) => this.#query(host, type)))
    return answers.flat()
  }

  async #query(host: string, type: keyof typeof RECORD_TYPES): Promise<string[]> {
    const url = `${this.resolver}?name=${encodeURIComponent(host)}&type=${type}`
    const answer = await fetch(url, { headers: { accept: 'application/dns-json' }, signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS) })
    if (!answer.ok) throw new Error(`the DNS-over-HTTPS resolver answered ${answer.status}`)
    const json = (await answer.json()) as DnsJson
    // 3 is NXDOMAIN: no such name, an empty answer; other codes are failures.
    if (json.Status !== 0 && json.Status !== 3) throw new Error(`DNS status ${json.Status}`)
    return (json.Answer ?? []).filter((record) => record.type === RECORD_TYPES[type]).map((record) => record.data)
  }

  async send(request: OutgoingWebhook): Promise<{ status: number | null; error: string | null }> {
    let answer: Response
    try {
      answer = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      })
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      return { status: null, error: timedOut ? `no answer within ${request.timeoutMs / 1000} s` : String(error) }
    }
    const reader = answer.body?.getReader()
    if (reader) {
      let read = 0
      try {
        for (let chunk = await reader.read(); !chunk.done && read <= MAX_ANSWER_BYTES; chunk = await reader.read()) {
          read += chunk.value.byteLength
        }
      } catch {
        // The status is known; a body cut short changes nothing.
      }
      await reader.cancel().catch(() => {})
    }
    return { status: answer.status, error: null }
  }
}
