import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type LocalS3, startLocalS3 } from '../../tools/local-s3'
import { Api, bytes } from '../support/api'
import { MiB } from '../support/clients'
import type { ServiceTarget, TargetKind } from '../support/target'

// Downloads that hold the server's resources (issue 11, findings 2 and 5): a
// client that stops reading is broken off after STALL_TIMEOUT; downloads
// streaming at once are capped per link and per address; and a storage answer
// that is not the range asked for never reaches the client as the file.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    const found = await probe()
    if (found !== null) return found
  }
  throw new Error(`timed out waiting for ${what}`)
}

interface StalledClient {
  status: number
  /** Resumes reading; resolves with every body byte the connection carried once the server closes it. */
  drain(): Promise<number>
  destroy(): void
}

/** A GET on its own connection that reads the head and `bytes` of the body, then stops reading and keeps the connection. */
function stalledDownload(url: string, bytesToRead: number): Promise<StalledClient> {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname)
    let head = Buffer.alloc(0)
    let status = 0
    let received = 0
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    const onData = (chunk: Buffer) => {
      if (status === 0) {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        status = Number(head.toString('latin1', 9, 12))
        chunk = head.subarray(end + 4)
      }
      received += chunk.length
      if (received < bytesToRead && status < 300) return
      socket.pause()
      socket.off('data', onData)
      resolve({
        status,
        drain: async () => {
          socket.on('data', (more: Buffer) => (received += more.length))
          socket.on('error', () => {})
          socket.resume()
          await closed
          return received
        },
        destroy: () => socket.destroy(),
      })
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`)
  })
}

/**
 * An S3 endpoint in front of s3rver that drops the Range header, as some
 * S3-compatible servers ignore it: a ranged GET comes back 200 with the whole object.
 */
async function rangeIgnoringProxy(upstream: URL): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((incoming, outgoing) => {
    const { range: _ignored, ...headers } = incoming.headers
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      },
    )
    forwarded.on('error', () => outgoing.destroy())
    incoming.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

const STALL_TIMEOUT = 2
const PER_LINK = 3
const PER_ADDRESS = 4

export function defineTransferSuite(kind: TargetKind, options: { s3: boolean }) {
  describe(`downloads that hold resources, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start({
        env: {
          STALL_TIMEOUT: String(STALL_TIMEOUT),
          MAX_TRANSFERS_PER_LINK: String(PER_LINK),
          MAX_TRANSFERS_PER_ADDRESS: String(PER_ADDRESS),
        },
      })
      api = new Api(target)
    })

    afterAll(async () => {
      await target?.stop()
    })

    const rows = (linkId: string) =>
      target.query<{ state: string; sent: number }>('SELECT state, sent FROM transfers WHERE link_id = ? ORDER BY created_at', [linkId])

    test('a client that stops reading is broken off after STALL_TIMEOUT, and its transfer settled with what it was handed', async () => {
      const size = 32 * MiB
      const file = await api.upload('stalled.bin', bytes(size, 70))
      const link = await api.issue(file.id, { maxDownloads: 1 })
      const client = await stalledDownload(link.downloadUrl, 256 * 1024)
      expect(client.status).toBe(200)
      const started = Date.now()
      const [row] = await waitFor('the stalled transfer to be settled', async () => {
        const found = await rows(link.id)
        return found.length === 1 && found[0]!.state !== 'active' ? found : null
      })
      expect(row).toMatchObject({ state: 'cut' })
      expect(row!.sent).toBeLessThan(size)
      expect(Date.now() - started).toBeGreaterThanOrEqual(STALL_TIMEOUT * 1000 - 200)
      // The server closed the connection: the client gets what was in flight, never the whole file.
      const carried = await client.drain()
      expect(carried).toBeLessThan(size)
      expect((await api.link(link.id)).downloads).toBe(1)
    })

    test('downloads streaming at once are capped per link and per address: past either, 429 and nothing counted', async () => {
      const size = 32 * MiB
      const first = await api.upload('capped-a.bin', bytes(size, 71))
      const second = await api.upload('capped-b.bin', bytes(size, 72))
      const linkA = await api.issue(first.id, { maxDownloads: 10 })
      const linkB = await api.issue(second.id, { maxDownloads: 10 })

      const onA = await Promise.all(Array.from({ length: PER_LINK }, () => stalledDownload(linkA.downloadUrl, 64 * 1024)))
      expect(onA.map((c) => c.status)).toEqual(Array(PER_LINK).fill(200))
      const overLink = await fetch(linkA.downloadUrl)
      expect(overLink.status).toBe(429)
      expect(overLink.headers.get('retry-after')).not.toBeNull()
      expect((await overLink.json()).code).toBe('too_many_transfers')
      expect((await api.link(linkA.id)).downloads).toBe(PER_LINK)

      const onB = await stalledDownload(linkB.downloadUrl, 64 * 1024)
      expect(onB.status).toBe(200)
      const overAddress = await fetch(linkB.downloadUrl, { headers: { range: 'bytes=1000-' } })
      expect(overAddress.status).toBe(429)
      expect((await overAddress.json()).code).toBe('too_many_transfers')
      expect((await api.link(linkB.id)).downloads).toBe(1)

      // HEAD streams nothing: never capped.
      expect((await fetch(linkA.downloadUrl, { method: 'HEAD' })).status).toBe(200)

      // Once the stalled ones are broken off, downloads start again.
      await waitFor('the stalled transfers to end', async () => {
        const live = [...(await rows(linkA.id)), ...(await rows(linkB.id))].filter((row) => row.state === 'active')
        return live.length === 0 ? true : null
      })
      for (const client of [...onA, onB]) client.destroy()
      const again = await fetch(linkA.downloadUrl)
      expect(again.status).toBe(200)
      expect((await again.arrayBuffer()).byteLength).toBe(size)
      expect((await api.link(linkA.id)).downloads).toBe(PER_LINK + 1)
    }, 60_000)
  })

  if (options.s3)
    describe(`storage that ignores Range, ${kind.name}`, () => {
      let s3: LocalS3
      let proxy: Awaited<ReturnType<typeof rangeIgnoringProxy>>
      let target: ServiceTarget
      let api: Api

      beforeAll(async () => {
        s3 = await startLocalS3()
        proxy = await rangeIgnoringProxy(new URL(s3.endpoint))
        target = await kind.start({ env: { ...s3.env, S3_ENDPOINT: proxy.url } })
        api = new Api(target)
      })

      afterAll(async () => {
        await target?.stop()
        await proxy?.close()
        await s3?.close()
      })

      test('a range answered with the whole object fails before its first byte: 503, nothing counted, never the wrong bytes', async () => {
        const data = bytes(300_000, 73)
        const file = await api.upload('ranged.bin', data)
        const link = await api.issue(file.id, { maxDownloads: 2 })

        const ranged = await fetch(link.downloadUrl, { headers: { range: 'bytes=100000-199999' } })
        expect(ranged.status).toBe(503)
        expect((await ranged.json()).code).toBe('storage_unavailable')
        expect((await api.link(link.id)).downloads).toBe(0)

        // The whole file is what storage answers anyway: served.
        const whole = await fetch(link.downloadUrl)
        expect(whole.status).toBe(200)
        expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(data))).toBe(true)
        expect((await api.link(link.id)).downloads).toBe(1)

        // A resume needs a range: refused the same way, still one download.
        const resumed = await fetch(link.downloadUrl, { headers: { range: 'bytes=150000-' } })
        expect(resumed.status).toBe(503)
        expect((await api.link(link.id)).downloads).toBe(1)
      })
    })
}
