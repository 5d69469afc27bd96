import { request } from 'node:http'

/**
 * An HTTP request sent from a chosen loopback address (127.0.0.2,
 * 127.0.0.3, ...): how the tests act as different clients. The Node entry
 * sees the socket's address; the local Workers runtime turns it into
 * CF-Connecting-IP, as Cloudflare's edge does. Answers a fetch Response.
 */
export function fromAddress(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body)
    const headers = { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) }
    const outgoing = request(url, { method: init.method ?? 'GET', headers, localAddress }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('error', reject)
      incoming.on('end', () => {
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const one of [value ?? []].flat()) responseHeaders.append(name, one)
        }
        const status = incoming.statusCode ?? 0
        const bytes = Buffer.concat(chunks)
        resolve(new Response(status === 204 || status === 304 ? null : bytes, { status, headers: responseHeaders }))
      })
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}
