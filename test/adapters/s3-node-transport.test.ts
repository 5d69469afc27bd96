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
})
