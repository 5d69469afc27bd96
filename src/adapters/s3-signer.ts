import { createHmac } from 'node:crypto'
import { sha256Hex } from './sha256'

// AWS Signature Version 4 for S3 requests without a body, as AWS documents it
// ("Create a signed AWS API request"); test/adapters/s3-signer.test.ts holds
// it to the SDK's own signer (@smithy/signature-v4) request by request.

export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** The SHA-256 of an empty payload: what a GET or HEAD signs as its body. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and `/` in a path) escaped. */
export function uriEncode(text: string, keepSlash: boolean): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return keepSlash ? encoded.replaceAll('%2F', '/') : encoded
}

/** A query string as SigV4 signs it, and as it is then sent: names and values encoded, sorted by name. */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => [uriEncode(name, false), uriEncode(value, false)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

const hmac = (key: string | Uint8Array, data: string): Uint8Array => createHmac('sha256', key).update(data).digest()

/** `20260102T030405Z` and `20260102` for a time. */
function stamps(at: Date): { amzDate: string; day: string } {
  const amzDate = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  return { amzDate, day: amzDate.slice(0, 8) }
}

/**
 * Signs S3 requests that carry no body. The signing key depends only on the
 * secret, the day, the region and the service, so it is derived once a day
 * instead of with four HMACs per request; what is left per request is one
 * hash and one HMAC, synchronous.
 */
export class S3Signer {
  #key: { secret: string; day: string; key: Uint8Array } | null = null

  constructor(
    private readonly region: string,
    private readonly service = 's3',
  ) {}

  /**
   * The headers to send with `method` to `host` for `path` (already
   * URI-encoded, no query) and the `query` of `canonicalQuery(query)`:
   * `headers` (names in lower case), plus host, x-amz-date,
   * x-amz-content-sha256, the session token if any, and authorization. Every
   * header given is signed.
   */
  sign(
    method: string,
    host: string,
    path: string,
    headers: Record<string, string>,
    credentials: S3Credentials,
    at: Date,
    query: Record<string, string> = {},
  ): Record<string, string> {
    const { amzDate, day } = stamps(at)
    const all: Record<string, string> = {
      ...headers,
      host,
      'x-amz-date': amzDate,
      'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256,
    }
    if (credentials.sessionToken) all['x-amz-security-token'] = credentials.sessionToken
    const names = Object.keys(all).sort()
    const signedHeaders = names.join(';')
    const canonicalHeaders = names.map((name) => `${name}:${all[name]!.trim().replace(/\s+/g, ' ')}\n`).join('')
    const canonicalRequest = [method, path, canonicalQuery(query), canonicalHeaders, signedHeaders, EMPTY_PAYLOAD_SHA256].join('\n')
    const scope = `${day}/${this.region}/${this.service}/aws4_request`
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`
    const signature = createHmac('sha256', this.#signingKey(credentials.secretAccessKey, day)).update(stringToSign).digest('hex')
    all.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
    return all
  }

  #signingKey(secret: string, day: string): Uint8Array {
    const cached = this.#key
    if (cached && cached.secret === secret && cached.day === day) return cached.key
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.region), this.service), 'aws4_request')
    this.#key = { secret, day, key }
    return key
  }
}
