import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { describe, expect, test } from 'vitest'
import { canonicalQuery, EMPTY_PAYLOAD_SHA256, S3Signer, uriEncode } from '../../src/adapters/s3-signer'

// The download path signs its S3 GETs itself (src/adapters/s3-signer.ts);
// s3rver checks no signature, so these tests hold the signer to AWS's own
// published example and to the SDK's signer, request by request.

const AKID = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

const bytesOf = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data)

/** SHA-256 for @smithy/signature-v4, over node:crypto. */
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

async function smithy(
  region: string,
  host: string,
  path: string,
  headers: Record<string, string>,
  at: Date,
  sessionToken?: string,
  query: Record<string, string> = {},
) {
  const signer = new SignatureV4({
    service: 's3',
    region,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken },
    sha256: Sha256,
    // S3 signs the path as sent, not encoded a second time (as the SDK's S3 client configures it).
    uriEscapePath: false,
  })
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path,
      query,
      headers: { ...headers, host, 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 },
    },
    { signingDate: at },
  )
  return signed.headers.authorization
}

describe('S3Signer', () => {
  test("AWS's published example: GET /test.txt with a range (Signature Version 4, header-based authentication)", () => {
    const headers = new S3Signer('us-east-1').sign(
      'GET',
      'examplebucket.s3.amazonaws.com',
      '/test.txt',
      { range: 'bytes=0-9' },
      { accessKeyId: AKID, secretAccessKey: SECRET },
      new Date('2013-05-24T00:00:00Z'),
    )
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    )
    expect(headers).toMatchObject({ 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 })
  })

  const keys = ['files/Qx3abc', 'a b/c+d=e&f', 'unicode/ünïcødé 名前.pdf', "quotes'!()*~._-/x", 'deep/er/path/file.bin']
  const cases = keys.flatMap((key) => [
    { key, region: 'us-east-1', host: 's3.us-east-1.amazonaws.com', prefix: '/bucket/', range: undefined, token: undefined },
    { key, region: 'auto', host: '127.0.0.1:9000', prefix: '/fuselink/', range: 'bytes=100-199', token: 'session/token+=' },
    { key, region: 'eu-west-3', host: 'my-bucket.s3.eu-west-3.amazonaws.com', prefix: '/', range: 'bytes=0-0', token: undefined },
  ])

  test.each(cases)(
    'the same authorization as @smithy/signature-v4: $region $host $key $range',
    async ({ key, region, host, prefix, range, token }) => {
      const path = `${prefix}${uriEncode(key, true)}`
      const extra: Record<string, string> = range ? { range } : {}
      for (const at of [new Date('2026-01-02T03:04:05Z'), new Date('2026-12-31T23:59:59Z')]) {
        const ours = new S3Signer(region).sign(
          'GET',
          host,
          path,
          extra,
          { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: token },
          at,
        )
        expect(ours.authorization).toBe(await smithy(region, host, path, extra, at, token))
        if (token) expect(ours['x-amz-security-token']).toBe(token)
      }
    },
  )

  test.each([
    { uploads: '', prefix: 'files/', 'max-uploads': '1000' },
    { uploads: '', prefix: 'a b/c+d=e&f ünï', 'max-uploads': '7' },
    { 'list-type': '2', uploads: '' },
  ] as Record<string, string>[])('a query is signed and sent as @smithy/signature-v4 signs it: %o', async (query) => {
    const at = new Date('2026-03-04T05:06:07Z')
    const ours = new S3Signer('eu-west-3').sign(
      'GET',
      '127.0.0.1:9000',
      '/bucket/',
      {},
      { accessKeyId: AKID, secretAccessKey: SECRET },
      at,
      query,
    )
    expect(ours.authorization).toBe(await smithy('eu-west-3', '127.0.0.1:9000', '/bucket/', {}, at, undefined, query))
    // Sorted by name, every name and value encoded (a slash too), an empty value kept with its '='.
    expect(canonicalQuery({ uploads: '', prefix: 'files/x y' })).toBe('prefix=files%2Fx%20y&uploads=')
  })

  test('the signing key is derived again when the day or the secret changes', () => {
    const signer = new S3Signer('us-east-1')
    const sign = (secret: string, at: string) =>
      signer.sign('GET', 'h', '/b/k', {}, { accessKeyId: AKID, secretAccessKey: secret }, new Date(at)).authorization
    const first = sign(SECRET, '2026-01-01T10:00:00Z')
    expect(sign(SECRET, '2026-01-01T10:00:00Z')).toBe(first)
    expect(sign('another-secret', '2026-01-01T10:00:00Z')).not.toBe(first)
    expect(
      new S3Signer('us-east-1').sign(
        'GET',
        'h',
        '/b/k',
        {},
        { accessKeyId: AKID, secretAccessKey: SECRET },
        new Date('2026-01-02T10:00:00Z'),
      ).authorization,
    ).toBe(sign(SECRET, '2026-01-02T10:00:00Z'))
  })

  test('keys are encoded as SigV4 wants: unreserved characters and slashes kept, everything else escaped', () => {
    expect(uriEncode("a b+c/d'!()*~._-é", true)).toBe('a%20b%2Bc/d%27%21%28%29%2A~._-%C3%A9')
    expect(uriEncode('a/b', false)).toBe('a%2Fb')
  })
})
