import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { giveBackCap } from '../../src/core/link/policy'
import { Api, bytes } from '../support/api'
import { MiB, mib } from '../support/clients'
import type { ServiceTarget, TargetKind } from '../support/target'
import { CountingProxy } from './support/counting-proxy'
import { type Fetched, fetchOnce, stallAfter } from './support/http'

// Counting rule 3 (docs/counting.md) under concurrency: every byte of a file
// the service lets out is measured on the wire by a proxy between it and the
// clients, and must stay within N x size + min(size, 16 MiB). The figures are
// printed.
const ALLOWANCE = 16 * MiB
const bound = (downloads: number, size: number) => downloads * size + Math.min(size, ALLOWANCE)

export function defineByteBudgetSuite(kind: TargetKind) {
  describe(`byte budget under concurrency, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api
    let proxy: CountingProxy

    beforeAll(async () => {
      target = await kind.start()
      api = new Api(target)
      proxy = new CountingProxy(Number(new URL(target.baseUrl).port))
      await proxy.start()
    })

    afterAll(async () => {
      await proxy?.stop()
      await target?.stop()
    })

    async function newLink(size: number, maxDownloads: number, seed: number) {
      const file = await api.upload(`budget-${seed}.bin`, bytes(size, seed))
      const link = await api.issue(file.id, { maxDownloads })
      return { ...link, path: new URL(link.downloadUrl).pathname as string }
    }

    const get = (path: string, range?: string, abortAfter?: number) =>
      fetchOnce(proxy.url(path), { headers: range ? { range } : {}, abortAfter })

    const report = (title: string, lines: string[]) => console.log([`[${kind.name}] ${title}`, ...lines.map((l) => `  ${l}`)].join('\n'))

    const summary = (results: Fetched[]) => {
      const counts = new Map<string, number>()
      for (const r of results) {
        const key = `${r.status}${r.truncated ? ' (cut short)' : ''}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
      return [...counts].map(([key, n]) => `${n} x ${key}`).join(', ')
    }

    test('after one complete download of a one-download link, 50 simultaneous `bytes=1-` are all refused', async () => {
      const size = MiB
      const link = await newLink(size, 1, 1)
      const full = await get(link.path)
      expect(full.status).toBe(200)
      expect(full.received).toBe(size)

      proxy.reset()
      const results = await Promise.all(Array.from({ length: 50 }, () => get(link.path, 'bytes=1-')))
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(410))
      expect(proxy.bodyBytes).toBe(0)
      expect((await api.link(link.id)).downloads).toBe(1)
      report('complete download, then 50 parallel bytes=1-', [
        `responses: ${summary(results)}`,
        `file bytes out after the download: ${proxy.bodyBytes}`,
      ])
    })

    test.each([
      [1, 24 * MiB],
      [3, 8 * MiB],
    ])(
      'with a partially sent download, 20 parallel resumes stay within the bound (N=%i, %i bytes)',
      async (maxDownloads, size) => {
        const link = await newLink(size, maxDownloads, 2 + maxDownloads)
        proxy.reset()
        const first = await get(link.path, undefined, Math.floor(size * 0.4))
        expect(first.status).toBe(200)
        const firstOut = proxy.bodyBytes

        const starts = Array.from({ length: 20 }, (_, i) => 1 + Math.floor((i * size) / 20))
        const results = await Promise.all(starts.map((start) => get(link.path, `bytes=${start}-`)))
        const { downloads } = await api.link(link.id)
        const limit = bound(downloads, size)
        report(`partial download, then 20 parallel resumes from byte 1 to 95 % (N=${maxDownloads}, size ${mib(size)})`, [
          `first download cut after ${mib(first.received)} received, ${mib(firstOut)} let out`,
          `resumes: ${summary(results)}; ${mib(results.reduce((n, r) => n + r.received, 0))} received`,
          `total file bytes out ${mib(proxy.bodyBytes)} with ${downloads} download(s) counted; bound ${mib(limit)}`,
        ])
        expect(downloads).toBeLessThanOrEqual(maxDownloads)
        expect(proxy.bodyBytes).toBeLessThanOrEqual(limit)
        // The honest part still works: some resume was served.
        expect(results.some((r) => r.status === 206)).toBe(true)
      },
      60_000,
    )

    test.each([
      [24 * MiB, 8 * MiB],
      [4 * MiB, MiB],
    ])(
      'the give-back cannot be farmed by aborting on purpose again and again (%i bytes, abort after %i)',
      async (size, abortAfter) => {
        const link = await newLink(size, 1, 10 + size / MiB)
        proxy.reset()
        const statuses: number[] = []
        statuses.push((await get(link.path, undefined, abortAfter)).status)
        // Whether the first transfer ended cut depends on how much of the file
        // the network took before the abort (docs/counting.md, "What a cut
        // client can resume"): on a fast loopback a small file can be handed
        // over whole, and is then counted complete.
        const first = await waitFor('the first transfer to settle', async () => {
          const rows = await target.query<{ state: string; sent: number }>('SELECT state, sent FROM transfers WHERE link_id = ?', [link.id])
          return rows.length === 1 && rows[0]!.state !== 'active' ? rows[0]! : null
        })
        for (let round = 0; round < 30 && statuses.at(-1) !== 410; round++) {
          statuses.push((await get(link.path, 'bytes=1-', abortAfter)).status)
        }
        const limit = bound(1, size)
        report(`abort after ${mib(abortAfter)} and resume from byte 1, again and again (size ${mib(size)})`, [
          `first transfer settled ${first.state} after ${mib(first.sent)} sent; statuses in order: ${statuses.join(' ')}`,
          `total file bytes out ${mib(proxy.bodyBytes)}; bound ${mib(limit)}`,
        ])
        expect(statuses.at(-1)).toBe(410)
        // A resume from byte 1 fits once the first transfer's bytes past it
        // are given back, which the allowance allows only if they are no more
        // than it: then it is resumed at least once (the honest part of the
        // give-back). The server counts as sent what it handed to the network,
        // socket buffers included, so on a fast loopback it may have handed
        // over more than that, or the whole file (then counted complete), before
        // the client aborted: never resumed from byte 1 (docs/counting.md).
        if (first.state === 'cut' && first.sent - 1 <= giveBackCap(size)) {
          expect(statuses.filter((s) => s === 206).length).toBeGreaterThanOrEqual(1)
        } else {
          expect(statuses).toEqual([200, 410])
        }
        expect(proxy.bodyBytes).toBeLessThanOrEqual(limit)
        expect((await api.link(link.id)).downloads).toBe(1)
      },
      60_000,
    )

    // What a cut client can resume (docs/counting.md). The server counts as
    // sent what it handed to the network: the kernel's socket buffers, and on
    // Workers the runtime's pipes, hold bytes a killed client never read.

    interface TransferRow {
      state: string
      sent: number
      reserved: number
    }
    const transferOf = async (linkId: string) => {
      const rows = await target.query<TransferRow>('SELECT state, sent, reserved FROM transfers WHERE link_id = ?', [linkId])
      expect(rows).toHaveLength(1)
      return rows[0]!
    }
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    async function waitFor<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
        const found = await probe()
        if (found !== null) return found
      }
      throw new Error(`timed out waiting for ${what}`)
    }

    test('a client that stops reading far from the end is settled as cut at what the network took, and resumes from what it read', async () => {
      const size = 32 * MiB
      const data = bytes(size, 40)
      const file = await api.upload('stalled.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 1 })
      const client = await stallAfter(link.downloadUrl, 256 * 1024)
      expect(client.status).toBe(200)
      // The server writes until the buffers between it and the client are full.
      let last = -1
      await waitFor('the buffers to fill', async () => {
        const { reserved } = await transferOf(link.id)
        if (reserved === last) return reserved
        last = reserved
        await sleep(400)
        return null
      })
      client.reset()
      const cut = await waitFor('the transfer to settle', async () => {
        const row = await transferOf(link.id)
        return row.state === 'active' ? null : row
      })
      const inFlight = cut.sent - client.received
      report('a client stops reading after 256 KiB of 32 MiB, then is reset', [
        `read ${mib(client.received)}; the server counted ${mib(cut.sent)} sent: ${mib(inFlight)} in flight`,
      ])
      expect(cut.state).toBe('cut')
      // A resume from what it read needs what was in flight given back, from
      // the allowance of min(size, 16 MiB).
      expect(inFlight).toBeLessThanOrEqual(ALLOWANCE)
      const resumed = await fetchOnce(link.downloadUrl, { headers: { range: `bytes=${client.received}-` }, keepBody: true })
      expect(resumed.status).toBe(206)
      expect(resumed.body.equals(Buffer.from(data.subarray(client.received)))).toBe(true)
      expect((await api.link(link.id)).downloads).toBe(1)
    })

    test('a client that stops reading with the rest of the file in flight is counted complete: on a one-download link its resume is refused', async () => {
      const size = MiB
      const file = await api.upload('all-in-flight.bin', bytes(size, 41))
      const link = await api.issue(file.id, { maxDownloads: 1 })
      const client = await stallAfter(link.downloadUrl, 256 * 1024)
      expect(client.status).toBe(200)
      // The last 768 KiB fit in the buffers: the server hands over the whole
      // file and cannot know that the client never read it.
      const done = await waitFor('the transfer to end', async () => {
        const row = await transferOf(link.id)
        return row.state === 'active' ? null : row
      })
      client.reset()
      report('a client stops reading after 256 KiB of 1 MiB, then is reset', [
        `read ${mib(client.received)}; the server counted ${mib(done.sent)} sent, transfer ${done.state}`,
      ])
      expect(done).toMatchObject({ state: 'done', sent: size })
      const resumed = await fetchOnce(link.downloadUrl, { headers: { range: `bytes=${client.received}-` }, keepBody: true })
      expect(resumed.status).toBe(410)
      expect(JSON.parse(resumed.body.toString()).code).toBe('download_limit_reached')
      expect((await api.link(link.id)).downloads).toBe(1)
    })
  })
}
