import { connect, createServer, type Socket } from 'node:net'

/**
 * A loopback proxy that relays what clients send at most `bytesPerSecond`
 * per connection, as a slow uplink would, so that a test can act while an
 * upload is under way, and counts the parts sent (PUT
 * /api/v1/uploads/:id/parts/:n). Answers come back unthrottled.
 */
export async function throttlingProxy(upstreamPort: number, bytesPerSecond: number) {
  const sockets = new Set<Socket>()
  let parts = 0
  const server = createServer((client: Socket) => {
    const upstream = connect(upstreamPort, '127.0.0.1')
    sockets.add(client).add(upstream)
    const end = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.on('data', (chunk: Buffer) => {
      // A part's head starts a chunk: it is the first thing sent for a request on its connection.
      if (/^PUT \/api\/v1\/uploads\/[\w-]+\/parts\/\d+ HTTP\/1\.1\r\n/.test(chunk.toString('latin1', 0, 200))) parts++
      upstream.write(chunk)
      // Hold the next chunk for as long as this one takes at the rate.
      client.pause()
      setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    parts: () => parts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
