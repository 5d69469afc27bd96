import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/**
 * Every S3 request fuselink makes is signed rightly: the SDK's (uploads,
 * multipart, HEAD, DELETE) and the download path's hand-signed GETs
 * (src/adapters/s3-get.ts), on keys that need encoding. The S3 targets put a
 * SigV4-verifying proxy in front of s3rver (test/support/sigv4-proxy.ts); here
 * each kind of request is made on purpose and the proxy must have refused
 * none, and a service configured with a wrong secret must be refused.
 */
export function defineSignaturesSuite(kind: TargetKind) {
  describe(`S3 requests are signed rightly, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start({ env: { RATE_LIMIT: '0' } })
      api = new Api(target)
    })
    afterAll(async () => {
      await target?.stop()
    })

    const tally = () => {
      if (!target.signatures) throw new Error(`${kind.name} has no verifying proxy in front of its storage`)
      return target.signatures
    }
    const download = async (url: string, headers: Record<string, string> = {}) => {
      const response = await fetch(url, { headers })
      return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) }
    }

    test('uploads, ranges, whole and streamed downloads, imports of awkward keys, multipart uploads and deletes all pass the check', async () => {
      const before = tally().verified

      // A small file (read whole) and a large one (streamed), whole and by ranges.
      for (const size of [5000, 3 * MIB]) {
        const data = bytes(size, size)
        const file = await api.upload(`sized ${size}.bin`, data)
        const link = await api.issue(file.id, { maxDownloads: 10 })
        const whole = await download(link.downloadUrl)
        expect(whole.status).toBe(200)
        expect(sha256(whole.body)).toBe(sha256(data))
        const ranged = await download(link.downloadUrl, { range: `bytes=100-${size - 101}` })
        expect(ranged.status).toBe(206)
        expect(sha256(ranged.body)).toBe(sha256(data.subarray(100, size - 100)))
      }

      // Keys that SigV4 encodes: spaces, unicode, +, %, and every reserved character S3 allows.
      const keys = [
        'imports/with space.txt',
        'imports/ünïcödé ✓.txt',
        'imports/a+b=c&d.txt',
        "imports/100% (1)*!'.txt",
        'imports/x~y/z;@$,.txt',
      ]
      for (const key of keys) {
        const data = new TextEncoder().encode(`the object at ${key}`)
        await target.putObject(key, data, 'text/plain')
        const file = await api.json('POST', '/api/v1/files/import', { json: { key } }, 201)
        expect(file.size).toBe(data.byteLength)
        const link = await api.issue(file.id, { maxDownloads: 5 })
        const got = await download(link.downloadUrl)
        expect(got.status).toBe(200)
        expect(new TextDecoder().decode(got.body)).toBe(`the object at ${key}`)
        const part = await download(link.downloadUrl, { range: 'bytes=4-9' })
        expect(part.status).toBe(206)
        expect(new TextDecoder().decode(part.body)).toBe('object')
        expect((await api.request('DELETE', `/api/v1/files/${file.id}`)).status).toBe(204)
      }
      expect((await target.listObjects()).filter((key) => key.startsWith('imports/'))).toEqual([])

      // A multipart upload: create, parts (the last one short), complete (which reads the object back).
      const data = bytes(11 * MIB, 9)
      const upload = await api.json('POST', '/api/v1/uploads', { json: { name: 'parted upload ü.bin', size: data.byteLength } }, 201)
      const parts = Math.ceil(data.byteLength / upload.partSize)
      for (let n = 1; n <= parts; n++) {
        const body = data.slice((n - 1) * upload.partSize, n * upload.partSize)
        const put = await api.request('PUT', `/api/v1/uploads/${upload.id}/parts/${n}`, {
          body,
          headers: { 'content-type': 'application/octet-stream' },
        })
        expect(put.status, await put.text()).toBeLessThan(300)
      }
      const file = await api.json('POST', `/api/v1/uploads/${upload.id}/complete`, {}, 201)
      expect(file.sha256).toBe(sha256(data))
      const link = await api.issue(file.id, { maxDownloads: 5 })
      const got = await download(link.downloadUrl, { range: `bytes=${5 * MIB}-` })
      expect(got.status).toBe(206)
      expect(sha256(got.body)).toBe(sha256(data.subarray(5 * MIB)))

      // An abandoned multipart upload is aborted at storage.
      const abandoned = await api.json('POST', '/api/v1/uploads', { json: { name: 'abandoned.bin', size: 6 * MIB } }, 201)
      await api.request('PUT', `/api/v1/uploads/${abandoned.id}/parts/1`, {
        body: data.slice(0, abandoned.partSize),
        headers: { 'content-type': 'application/octet-stream' },
      })
      expect((await api.request('DELETE', `/api/v1/uploads/${abandoned.id}`)).status).toBe(204)
      expect(await target.pendingMultipart()).toEqual([])

      expect(tally().refused).toEqual([])
      // Far more than the requests above would need if any had bypassed the proxy.
      expect(tally().verified - before).toBeGreaterThan(40)
    })

    test('a service given the wrong secret is refused by storage: downloads and uploads fail as storage failures, nothing is counted', async () => {
      const data = bytes(200_000, 12)
      const file = await api.upload('before the wrong secret.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 5 })
      const refusedBefore = tally().refused.length
      await target.restart({ S3_SECRET_ACCESS_KEY: 'not-the-secret-storage-knows' })
      try {
        const refusedDownload = await fetch(link.downloadUrl)
        expect(refusedDownload.status).toBe(503)
        expect((await refusedDownload.json()).code).toBe('storage_unavailable')
        expect((await api.link(link.id)).downloads).toBe(0)
        const refusedUpload = await api.request('POST', '/api/v1/files?name=after.bin', {
          body: bytes(1000, 13),
          headers: { 'content-type': 'application/octet-stream' },
        })
        expect(refusedUpload.status).toBeGreaterThanOrEqual(500)
        await refusedUpload.body?.cancel()
        const refusals = tally().refused.slice(refusedBefore)
        // The download path's own GET and the SDK's upload were both checked and refused.
        expect(refusals.some((line) => /^SignatureDoesNotMatch GET \/fuselink\/files\//.test(line))).toBe(true)
        expect(refusals.some((line) => /^SignatureDoesNotMatch (PUT|POST) \/fuselink\/files\//.test(line))).toBe(true)
        expect(refusals.every((line) => line.startsWith('SignatureDoesNotMatch '))).toBe(true)
        // Provoked on purpose: taken off the tally, which must be empty when the target stops.
        tally().refused.splice(refusedBefore)
      } finally {
        // s3rver's built-in secret (tools/local-s3.ts), which the target started with.
        await target.restart({ S3_SECRET_ACCESS_KEY: 'S3RVER' })
      }
      const again = await download(link.downloadUrl)
      expect(again.status).toBe(200)
      expect(sha256(again.body)).toBe(sha256(data))
      expect((await api.link(link.id)).downloads).toBe(1)
    })
  })
}
