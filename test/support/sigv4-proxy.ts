import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { SignatureV4 } from '@smithy/signature-v4'
import { type LocalS3, type LocalS3Options, startLocalS3 } from '../../tools/local-s3'

/*
 * s3rver checks no signature at all (it refuses only an unknown access key),
 * so a test against it says nothing about how fuselink signs its S3 requests.
 * This proxy stands in front of it and does what S3 does: it recomputes the
 * AWS Signature Version 4 of every request with the known secret, using the
 * SDK's own signer (@smithy/signature-v4, independent of the hand-written one
 * in src/adapters/s3-signer.ts), checks a signed payload hash against the body
 * and the request time against the clock, and answers S3's XML error with 403
 * when anything differs. Only what passes is forwarded.
 *
 * Header authentication only (`Authorization: AWS4-HMAC-SHA256 ...`): fuselink
 * sends nothing else. A query-signed (presigned) request, a streaming
 * (aws-chunked) payload or another algorithm is refused, so that a change to
 * one of them shows up here instead of passing unchecked.
 */

/** What the proxy has seen: every request is either verified and forwarded, or refused. */
export interface SignatureTally {
  verified: number
  /** One line per refusal: S3's error code, the method and path, why. */
  refused: string[]
}

export interface VerifyingProxyOptions {
  /** The secret requests must be signed with (the one storage knows). */
  accessKeyId: string
  secretAccessKey: string
  region: string
  /** How far the request's x-amz-date may be from the proxy's clock (S3: 15 minutes). */
  maxSkewMs?: number
}

export interface VerifyingProxy {
  endpoint: string
  tally: SignatureTally
  close(): Promise<void>
}

const MAX_SKEW_MS = 15 * 60 * 1000
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/

/** SHA-256 and HMAC-SHA256 for @smithy/signature-v4, over node:crypto. */
class Sha256 {
  readonly #hash
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret))
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.#hash.update(bytesOf(data))
  }
  async digest() {
    return new Uint8Array(this.#hash.digest())
  }
  reset() {}
}

function bytesOf(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 403,
  ) {
    super(message)
  }
}

/** `20260102T030405Z` as a time, or null. */
function parseAmzDate(text: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (!match) return null
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  const at = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!))
  return Number.isNaN(at.getTime()) ? null : at
}

/** The query of a request target as the signer takes it: names to decoded values (several for a repeated name). */
function queryOf(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue
    const at = pair.indexOf('=')
    const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at))
    const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1))
    const held = query[name]
    query[name] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value]
  }
  return query
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

async function verify(incoming: IncomingMessage, body: Buffer, options: Required<VerifyingProxyOptions>): Promise<void> {
  const target = incoming.url ?? '/'
  const queryAt = target.indexOf('?')
  const path = queryAt < 0 ? target : target.slice(0, queryAt)
  const query = queryOf(queryAt < 0 ? '' : target.slice(queryAt))
  if ('X-Amz-Signature' in query || 'X-Amz-Credential' in query) {
    throw new Refusal('AccessDenied', 'query-string (presigned) authentication is not verified by this proxy')
  }
  const authorization = incoming.headers.authorization
  if (authorization === undefined) throw new Refusal('AccessDenied', 'no Authorization header: anonymous access')
  const auth = AUTHORIZATION.exec(authorization)
  if (!auth) throw new Refusal('AuthorizationHeaderMalformed', 'the Authorization header is not AWS4-HMAC-SHA256', 400)
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = auth as unknown as string[]
  if (accessKeyId !== options.accessKeyId) throw new Refusal('InvalidAccessKeyId', `unknown access key ${accessKeyId}`)
  if (region !== options.region || service !== 's3') {
    throw new Refusal('AuthorizationHeaderMalformed', `the credential scope names ${region}/${service}`, 400)
  }
  const amzDate = incoming.headers['x-amz-date']
  const at = typeof amzDate === 'string' ? parseAmzDate(amzDate) : null
  if (!at || amzDate!.slice(0, 8) !== day)
    throw new Refusal('AccessDenied', 'x-amz-date is missing, malformed or of another day than the scope')
  if (Math.abs(Date.now() - at.getTime()) > options.maxSkewMs) {
    throw new Refusal('RequestTimeTooSkewed', `the request was signed at ${amzDate}, too far from now`)
  }
  const signedHeaders = signedHeaderList!.split(';')
  for (const required of ['host', 'x-amz-content-sha256', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) throw new Refusal('AccessDenied', `${required} is not among the signed headers`)
  }
  const payloadHash = incoming.headers['x-amz-content-sha256']
  if (payloadHash !== UNSIGNED_PAYLOAD) {
    if (typeof payloadHash !== 'string' || !/^[0-9a-f]{64}$/.test(payloadHash)) {
      throw new Refusal('InvalidRequest', `x-amz-content-sha256 "${payloadHash}" is not verified by this proxy`, 400)
    }
    if (createHash('sha256').update(body).digest('hex') !== payloadHash) {
      throw new Refusal('XAmzContentSHA256Mismatch', 'the body does not hash to x-amz-content-sha256', 400)
    }
  }
  const headers: Record<string, string> = {}
  for (const name of signedHeaders) {
    const value = incoming.headers[name]
    if (value === undefined) throw new Refusal('AccessDenied', `the signed header ${name} was not sent`)
    headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  const signer = new SignatureV4({
    service: 's3',
    region: options.region,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    sha256: Sha256,
    // S3 signs the path as sent: no normalisation, no second encoding.
    uriEscapePath: false,
  })
  const signed = await signer.sign(
    { method: incoming.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path, query, headers },
    { signingDate: at, signableHeaders: new Set(signedHeaders) },
  )
  const expected = AUTHORIZATION.exec(signed.headers.authorization ?? '')
  if (!expected || expected[5] !== signedHeaderList || !sameText(expected[6]!, signature!)) {
    throw new Refusal('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided')
  }
}

function refuse(response: ServerResponse, refusal: Refusal, path: string): void {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${refusal.code}</Code><Message>${refusal.message.replace(/[<>&]/g, '')}</Message>` +
    `<Resource>${path.replace(/[<>&]/g, '')}</Resource><RequestId>${randomUUID()}</RequestId></Error>`
  response.writeHead(refusal.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml), connection: 'close' })
  response.end(xml)
}

/** Starts the proxy on loopback in front of the S3 endpoint `upstream`. */
export async function startVerifyingProxy(upstream: string, settings: VerifyingProxyOptions): Promise<VerifyingProxy> {
  const options = { maxSkewMs: MAX_SKEW_MS, ...settings }
  const origin = new URL(upstream)
  const tally: SignatureTally = { verified: 0, refused: [] }
  const sockets = new Set<Socket>()
  const server: Server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = []
    try {
      for await (const chunk of incoming) chunks.push(chunk as Buffer)
    } catch {
      return
    }
    const body = Buffer.concat(chunks)
    try {
      await verify(incoming, body, options)
    } catch (thrown) {
      const error = thrown instanceof Refusal ? thrown : new Refusal('InternalError', String(thrown), 500)
      tally.refused.push(`${error.code} ${incoming.method} ${incoming.url}: ${error.message}`)
      return refuse(response, error, incoming.url ?? '/')
    }
    tally.verified += 1
    const { expect: _expect, ...headers } = incoming.headers
    const forwarded = request(
      { host: origin.hostname, port: origin.port, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        answer.pipe(response)
        answer.on('error', () => response.destroy())
        response.on('close', () => answer.destroy())
      },
    )
    forwarded.on('error', () => response.destroy())
    forwarded.end(body)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    tally,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface VerifiedLocalS3 extends LocalS3 {
  /** s3rver itself, behind the proxy: for what must bypass the check (nothing in fuselink should). */
  upstream: string
  tally: SignatureTally
}

/**
 * s3rver behind the verifying proxy: a LocalS3 whose endpoint (and `env`) is
 * the proxy, so that everything the service and the tests send is checked.
 */
export async function startVerifiedLocalS3(options: LocalS3Options = {}): Promise<VerifiedLocalS3> {
  const s3 = await startLocalS3(options)
  const proxy = await startVerifyingProxy(s3.endpoint, {
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: s3.env.S3_REGION!,
  })
  return {
    ...s3,
    endpoint: proxy.endpoint,
    upstream: s3.endpoint,
    env: { ...s3.env, S3_ENDPOINT: proxy.endpoint },
    tally: proxy.tally,
    async close() {
      await proxy.close()
      await s3.close()
    },
  }
}

/** Fails a suite whose service sent storage a request the proxy refused (called as the target stops). */
export function assertNothingRefused(tally: SignatureTally): void {
  if (tally.refused.length > 0) {
    throw new Error(`storage refused ${tally.refused.length} request(s) whose signature did not verify:\n${tally.refused.join('\n')}`)
  }
}
