import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { type FaultyStorage, startFaultyStorage } from '../support/faulty-storage'
import { startVerifiedLocalS3, type VerifiedLocalS3 } from '../support/sigv4-proxy'
import type { ServiceTarget, TargetKind } from '../support/target'

const MIB = 1024 * 1024
const SIZE = 4 * MIB
const STALL_TIMEOUT = 2
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Storage failing in the middle of a download, over HTTP (docs/security.md,
 * "Faults"): s3rver behind a proxy that drops the connection, or stops
 * sending, after part of the object. The recipient's download must break
 * (never a short 200 that looks complete), the transfer be settled as cut
 * with what was sent, and the next request be served whole.
 */
export function defineStorageFaultsSuite(kind: TargetKind) {
  describe(`storage failing mid-download, ${kind.name}`, () => {
    let s3: VerifiedLocalS3
    let storage: FaultyStorage
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      s3 = await startVerifiedLocalS3()
      storage = await startFaultyStorage(s3.endpoint)
      target = await kind.start({
        env: { ...s3.env, S3_ENDPOINT: storage.endpoint, STALL_TIMEOUT: String(STALL_TIMEOUT), RATE_LIMIT: '0' },
      })
      api = new Api(target)
    })
    afterAll(async () => {
      await target?.stop()
      await storage?.close()
      await s3?.close()
    })

    const transfers = (linkId: string) =>
      target.query<{ state: string; sent: number }>('SELECT state, sent FROM transfers WHERE link_id = ? ORDER BY created_at', [linkId])

    async function until(probe: () => Promise<boolean>) {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) if (await probe()) return
      throw new Error('timed out')
    }

    async function settled(linkId: string, count: number) {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
        const rows = await transfers(linkId)
        if (rows.length === count && rows.every((row) => row.state !== 'active')) return rows
      }
      throw new Error(`the transfers of ${linkId} were not settled: ${JSON.stringify(await transfers(linkId))}`)
    }

    /** A download read to its end; what arrived, or the error that broke it. */
    async function download(url: string) {
      const response = await fetch(url)
      let received = 0
      const hash = createHash('sha256')
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength
          hash.update(chunk)
        }
        return { status: response.status, received, sha256: hash.digest('hex'), broken: false }
      } catch {
        return { status: response.status, received, sha256: null, broken: true }
      }
    }

    test('storage unreachable when a download starts: 503 storage_unavailable; dying before the first byte: a broken answer; neither counts nor holds anything', async () => {
      const data = bytes(SIZE, 33)
      const file = await api.upload('unreachable.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 1 })

      storage.arm('reset', 0)
      const refused = await fetch(link.downloadUrl)
      expect(storage.fired).toBe(true)
      expect(refused.status).toBe(503)
      expect((await refused.json()).code).toBe('storage_unavailable')
      expect((await api.link(link.id)).downloads).toBe(0)
      expect(await transfers(link.id)).toEqual([])

      // Storage's head arrived, then nothing: the answer is already under way
      // (a streamed body is not read ahead), so it breaks; the count is undone.
      storage.arm('cut', 0)
      const broken = await download(link.downloadUrl).catch(() => ({ broken: true, received: 0 }))
      expect(storage.fired).toBe(true)
      expect(broken).toMatchObject({ broken: true, received: 0 })
      await until(async () => (await transfers(link.id)).length === 0)
      expect((await api.link(link.id)).downloads).toBe(0)

      // The one download the link allows is still there.
      const whole = await download(link.downloadUrl)
      expect(whole).toMatchObject({ status: 200, received: SIZE, sha256: sha256(data), broken: false })
      expect((await api.link(link.id)).downloads).toBe(1)
    })

    test('slow storage (2 MiB/s): the download streams as the bytes come (its first arrive long before storage sends the last), whole and counted once', async () => {
      const data = bytes(SIZE, 34)
      const file = await api.upload('slow.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 1 })

      storage.arm('slow', 2 * MIB)
      const started = Date.now()
      const response = await fetch(link.downloadUrl)
      expect(response.status).toBe(200)
      const hash = createHash('sha256')
      let received = 0
      let firstAt = 0
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (received === 0) firstAt = Date.now() - started
        received += chunk.byteLength
        hash.update(chunk)
      }
      const tookMs = Date.now() - started
      expect(storage.fired).toBe(true)
      expect(received).toBe(SIZE)
      expect(hash.digest('hex')).toBe(sha256(data))
      // 4 MiB at 2 MiB/s: about 2 s from storage; the recipient had bytes
      // within the first half of it, so nothing waited for the whole object.
      expect(tookMs).toBeGreaterThanOrEqual(1500)
      expect(firstAt).toBeLessThan(tookMs / 2)
      expect((await settled(link.id, 1)).map((row) => row.state)).toEqual(['done'])
      expect((await api.link(link.id)).downloads).toBe(1)
      expect(s3.tally.refused).toEqual([])
    })

    for (const fault of ['cut', 'stall'] as const) {
      test(`storage that ${fault === 'cut' ? 'drops the connection' : 'stops sending'} after 1 MiB: the download breaks, is settled as cut, and the next one is whole`, async () => {
        const data = bytes(SIZE, fault === 'cut' ? 31 : 32)
        const file = await api.upload(`${fault}.bin`, data)
        const link = await api.issue(file.id, { maxDownloads: 2 })

        storage.arm(fault, MIB)
        const started = Date.now()
        const broken = await download(link.downloadUrl)
        expect(storage.fired).toBe(true)
        expect(broken.status).toBe(200)
        expect(broken.broken).toBe(true)
        expect(broken.received).toBeLessThan(SIZE)
        if (fault === 'stall') {
          // Broken off by STALL_TIMEOUT, not left hanging.
          expect(Date.now() - started).toBeGreaterThanOrEqual(STALL_TIMEOUT * 1000 - 200)
          expect(Date.now() - started).toBeLessThan(STALL_TIMEOUT * 1000 + 15_000)
        }
        const [cut] = await settled(link.id, 1)
        expect(cut!.state).toBe('cut')
        expect(cut!.sent).toBeGreaterThanOrEqual(broken.received)
        expect(cut!.sent).toBeLessThan(SIZE)
        expect((await api.link(link.id)).downloads).toBe(1)

        const whole = await download(link.downloadUrl)
        expect(whole).toMatchObject({ status: 200, received: SIZE, sha256: sha256(data), broken: false })
        const rows = await settled(link.id, 2)
        expect(rows.map((row) => row.state)).toEqual(['cut', 'done'])
        expect((await api.link(link.id)).downloads).toBe(2)
        expect(s3.tally.refused).toEqual([])
      })
    }
  })
}
