import { createHash, createHmac } from 'node:crypto'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startVerifiedLocalS3, type VerifiedLocalS3 } from '../support/sigv4-proxy'

// The proxy that checks the S3 suites' signatures (test/support/sigv4-proxy.ts)
// is itself checked here: the SDK's correctly signed calls all pass, and
// every way a request can be wrongly signed is refused as S3 refuses it.

let s3: VerifiedLocalS3

const clientWith = (secretAccessKey: string, endpoint = s3.endpoint) =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })

/** A request without a body signed by hand (AWS's documented steps) at `at`, for requests the SDK would never make. */
function signed(method: string, path: string, at: Date, secret = s3.secretAccessKey) {
  const amzDate = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const host = new URL(s3.endpoint).host
  const empty = createHash('sha256').update('').digest('hex')
  const canonical = [
    method,
    path,
    '',
    `host:${host}\nx-amz-content-sha256:${empty}\nx-amz-date:${amzDate}\n`,
    'host;x-amz-content-sha256;x-amz-date',
    empty,
  ].join('\n')
  const scope = `${day}/us-east-1/s3/aws4_request`
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), 'us-east-1'), 's3'), 'aws4_request')
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  return {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': empty,
    authorization: `AWS4-HMAC-SHA256 Credential=${s3.accessKeyId}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature}`,
  }
}

async function refusalOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise
  } catch (error) {
    if (error instanceof S3ServiceException) return { name: error.name, status: error.$metadata.httpStatusCode }
    throw error
  }
  throw new Error('the request was not refused')
}

beforeAll(async () => {
  s3 = await startVerifiedLocalS3()
})
afterAll(() => s3.close())

describe('the SigV4-verifying proxy in front of s3rver', () => {
  test('passes what the SDK signs: keys with spaces, unicode, +, %, a multipart upload, ranges, deletes', async () => {
    const client = clientWith(s3.secretAccessKey)
    const keys = ['plain.txt', 'with space.txt', 'ünï cödé ✓.txt', 'a+b=c&d.txt', '100% sure;(1)*.txt', 'dir/sub dir/x~y.bin']
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: `body of ${key}` }))
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key, Range: 'bytes=0-3' }))
      expect(await got.Body!.transformToString()).toBe('body')
      expect((await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).ContentLength).toBe(
        Buffer.byteLength(`body of ${key}`),
      )
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }))
    }
    const large = new Uint8Array(11 * 1024 * 1024).map((_, i) => i % 251)
    await new Upload({ client, params: { Bucket: s3.bucket, Key: 'multi part.bin', Body: large }, partSize: 5 * 1024 * 1024 }).done()
    const back = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'multi part.bin' }))
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(Buffer.from(large))).toBe(true)
    expect(s3.tally.refused).toEqual([])
    // Six keys of four calls each, and the multipart upload's create, three parts, complete and the read.
    expect(s3.tally.verified).toBeGreaterThanOrEqual(6 * 4 + 6)
    client.destroy()
  })

  test('refuses a wrong secret with 403 SignatureDoesNotMatch, and forwards nothing', async () => {
    const wrong = clientWith('not-the-secret')
    const refusal = await refusalOf(wrong.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'forged.txt', Body: 'forged' })))
    expect(refusal).toEqual({ name: 'SignatureDoesNotMatch', status: 403 })
    wrong.destroy()
    // s3rver itself, asked directly, never received the object.
    const direct = clientWith(s3.secretAccessKey, s3.upstream)
    expect((await refusalOf(direct.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'forged.txt' })))).status).toBe(404)
    direct.destroy()
    expect(s3.tally.refused.at(-1)).toMatch(/^SignatureDoesNotMatch PUT \/fuselink\/forged\.txt/)
  })

  test('refuses a signature for another path, one too old, one missing, and a body that is not the one signed', async () => {
    const client = clientWith(s3.secretAccessKey)
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'kept.txt', Body: 'kept' }))
    client.destroy()
    const now = new Date()
    const rightly = await fetch(`${s3.endpoint}/fuselink/kept.txt`, { headers: signed('GET', '/fuselink/kept.txt', now) })
    expect(rightly.status).toBe(200)
    expect(await rightly.text()).toBe('kept')

    const otherPath = await fetch(`${s3.endpoint}/fuselink/kept.txt`, { headers: signed('GET', '/fuselink/other.txt', now) })
    expect(otherPath.status).toBe(403)
    expect(await otherPath.text()).toContain('<Code>SignatureDoesNotMatch</Code>')

    const wrongSecret = await fetch(`${s3.endpoint}/fuselink/kept.txt`, { headers: signed('GET', '/fuselink/kept.txt', now, 'S3RVEX') })
    expect(wrongSecret.status).toBe(403)
    expect(await wrongSecret.text()).toContain('<Code>SignatureDoesNotMatch</Code>')

    const old = await fetch(`${s3.endpoint}/fuselink/kept.txt`, {
      headers: signed('GET', '/fuselink/kept.txt', new Date(now.getTime() - 20 * 60_000)),
    })
    expect(old.status).toBe(403)
    expect(await old.text()).toContain('<Code>RequestTimeTooSkewed</Code>')

    const anonymous = await fetch(`${s3.endpoint}/fuselink/kept.txt`)
    expect(anonymous.status).toBe(403)
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>')

    // A PUT rightly signed for an empty body, sent with a body: the payload is not the one signed.
    const swapped = await fetch(`${s3.endpoint}/fuselink/kept.txt`, {
      method: 'PUT',
      headers: signed('PUT', '/fuselink/kept.txt', now),
      body: 'replaced',
    })
    expect(swapped.status).toBe(400)
    expect(await swapped.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>')
    const unchanged = await fetch(`${s3.endpoint}/fuselink/kept.txt`, { headers: signed('GET', '/fuselink/kept.txt', now) })
    expect(await unchanged.text()).toBe('kept')
  })
})
