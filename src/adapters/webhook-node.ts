import { lookup } from 'node:dns/promises'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { OutgoingWebhook, WebhookTransport } from '../core/ports'

/** The most of a receiver's answer that is read; the rest is dropped with the connection. */
const MAX_ANSWER_BYTES = 64 * 1024

/** A lookup that answers one address whatever it is asked: the connection goes where the check allowed, nowhere else. */
function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4
  return (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }])
    else callback(null, address, family)
  }
}

/**
 * Webhook deliveries from Node (docs/webhooks.md, "Where deliveries may go").
 * The host is resolved once, by the receiver check (`resolve`); the request
 * then connects to the address that check allowed (a pinned lookup), so a
 * second resolution cannot send it elsewhere, while TLS still verifies the
 * certificate against the host name. A fresh connection per attempt (no
 * pooled socket reaches an address resolved earlier), no redirect followed,
 * at most 64 KiB of the answer read, one deadline for the whole attempt.
 */
export class NodeWebhookTransport implements WebhookTransport {
  async resolve(host: string): Promise<string[]> {
    const found = await lookup(host, { all: true, verbatim: true })
    return found.map((entry) => entry.address)
  }

  send(request: OutgoingWebhook): Promise<{ status: number | null; error: string | null }> {
    return new Promise((resolve) => {
      const url = new URL(request.url)
      const client = url.protocol === 'https:' ? https : http
      let settled = false
      const finish = (outcome: { status: number | null; error: string | null }) => {
        if (settled) return
        settled = true
        clearTimeout(deadline)
        outgoing.destroy()
        resolve(outcome)
      }
      const outgoing = client.request(
        url,
        {
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          agent: false,
          ...(request.address ? { lookup: pinnedLookup(request.address) } : {}),
        },
        (answer) => {
          let read = 0
          const status = answer.statusCode ?? null
          answer.on('data', (chunk: Buffer) => {
            read += chunk.length
            if (read > MAX_ANSWER_BYTES) finish({ status, error: null })
          })
          answer.on('end', () => finish({ status, error: null }))
          answer.on('error', () => finish({ status, error: null }))
        },
      )
      const deadline = setTimeout(
        () => finish({ status: null, error: `no answer within ${request.timeoutMs / 1000} s` }),
        request.timeoutMs,
      )
      outgoing.on('error', (error) => finish({ status: null, error: error.message }))
      outgoing.end(request.body)
    })
  }
}
