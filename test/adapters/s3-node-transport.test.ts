import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageAnswerError } from '../../src/adapters/s3-get'
import { nodeTransport } from '../../src/adapters/s3-node-transport'
import type { ByteSource } from '../../src/core/ports'

// The transport against a real node:http server on loopback: what it must do
// with connections and bodies whatever the storage behind it.

let server: Server | null = null
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null))
  server = null
})

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ origin: URL; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  server = createServer(handler)
  server.on('connection', (socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return { origin: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), sockets }
}

async function drain(source: ByteSource): Promise<Buffer> {
  const pieces: Uint8Array[] = []
  for (let piece = await source.read(64 * 1024); piece !== null; piece = await source.read(64 * 1024)) pieces.push(piece)
  return Buffer.concat(pieces)
}

const sourceOf = (object: ReturnType<Awaited<ReturnType<ReturnType<typeof nodeTransport>>>['stream']>) => {
  if (!('source' in object)) throw new Error('expected a byte source')
  return object.source
}

describe('nodeTransport (S3 GETs over kept connections)', () => {
  it('reads status, headers and the exact body, and sends the next GET on the same connection', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024 + 7, 'x')
    const { origin, sockets } = await serve((request, response) => {
      response.writeHead(200, { 'content-length': body.byteLength, etag: `"${request.url}"` })
      response.end(body)
    })
    const get = nodeTransport()
    for (const path of ['/a', '/b']) {
      const answer = await get({ origin, path }, { host: origin.host, 'x-test': 'yes' })
      expect(answer.status).toBe(200)
      expect(answer.header('etag')).toBe(`"${path}"`)
      expect((await drain(sourceOf(answer.stream()))).equals(body)).toBe(true)
    }
    expect(sockets.size).toBe(1)
  })

  it('opens a fresh connection when storage closed the kept one meanwhile', async () => {
    const { origin, sockets } = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': 2 })
      response.end('ok')
    })
    const get = nodeTransport()
    expect(Buffer.from(await (await get({ origin, path: '/1' }, { host: origin.host })).bytes()).toString()).toBe('ok')
    // The server drops its idle connection without telling the client first.
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(Buffer.from(await (await get({ origin, path: '/2' }, { host: origin.host })).bytes()).toString()).toBe('ok')
    expect(sockets.size).toBe(2)
  })

  it('fails a body whose connection closes before its last byte, never passing it off as complete', async () => {
    const { origin } = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': 1024 * 1024 })
      response.write(Buffer.alloc(1000))
      setTimeout(() => response.socket?.destroy(), 20)
    })
    const answer = await nodeTransport()({ origin, path: '/cut' }, { host: origin.host })
    await expect(drain(sourceOf(answer.stream()))).rejects.toThrow()
  })

  it('refuses a body without a Content-Length (sent in chunks) instead of reading it to the close', async () => {
    const { origin } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' })
      response.write('part one, ')
      response.end('part two')
    })
    const answer = await nodeTransport()({ origin, path: '/chunked' }, { host: origin.host })
    expect(answer.status).toBe(200)
    expect(answer.header('transfer-encoding')).toBe('chunked')
    expect(() => answer.stream()).toThrow(StorageAnswerError)
  })

  it('reads bodies into shared buffers that come back once released: two bodies at once, each exactly its bytes', async () => {
    const size = 2 * 1024 * 1024 + 13
    const bodies = { '/a': Buffer.alloc(size), '/b': Buffer.alloc(size) }
    for (let i = 0; i < size; i++) {
      bodies['/a'][i] = i % 251
      bodies['/b'][i] = (i * 7) % 253
    }
    const { origin } = await serve((request, response) => {
      response.writeHead(200, { 'content-length': size })
      response.end(bodies[request.url as '/a' | '/b'])
    })
    const get = nodeTransport()
    const seen = new Map<ArrayBufferLike, number>()
    const copy = async (path: '/a' | '/b') => {
      const source = sourceOf((await get({ origin, path }, { host: origin.host })).stream())
      const copies: Buffer[] = []
      for (let piece = await source.read(64 * 1024); piece !== null; piece = await source.read(64 * 1024)) {
        copies.push(Buffer.from(piece))
        seen.set(piece.buffer, (seen.get(piece.buffer) ?? 0) + 1)
        source.release(piece)
        // Handed back twice: must not be lent to two reads at once.
        source.release(piece)
      }
      return Buffer.concat(copies)
    }
    const [a, b] = await Promise.all([copy('/a'), copy('/b')])
    expect(a.equals(bodies['/a'])).toBe(true)
    expect(b.equals(bodies['/b'])).toBe(true)
    expect(Math.max(...seen.values())).toBeGreaterThan(1)
  })

  it('keeps every body exact when more sockets wait than may hold a buffer of their own (reads land in the shared one)', async () => {
    const size = 512 * 1024 + 5
    const count = 40
    const bodies = Array.from({ length: count }, (_, n) => {
      const body = Buffer.alloc(size)
      for (let i = 0; i < size; i++) body[i] = (i * (n + 1) + n) % 256
      return body
    })
    const { origin } = await serve((request, response) => {
      response.writeHead(200, { 'content-length': size })
      response.end(bodies[Number(request.url!.slice(1))])
    })
    const get = nodeTransport()
    const sources = await Promise.all(
      Array.from({ length: count }, async (_, n) => sourceOf((await get({ origin, path: `/${n}` }, { host: origin.host })).stream())),
    )
    // Let every socket fill its first read and stop before any is read on.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const copies: Buffer[][] = sources.map(() => [])
    const open = new Set(sources.keys())
    while (open.size > 0) {
      for (const n of [...open]) {
        const piece = await sources[n]!.read(64 * 1024)
        if (piece === null) {
          open.delete(n)
          continue
        }
        copies[n]!.push(Buffer.from(piece))
        sources[n]!.release(piece)
      }
    }
    for (let n = 0; n < count; n++) expect(Buffer.concat(copies[n]!).equals(bodies[n]!)).toBe(true)
  })
})
