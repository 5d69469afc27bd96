import { connect, createServer, type Socket } from 'node:net'

/** One client connection and its connection upstream; `end` drops both. */
export interface RelayedPair {
  client: Socket
  upstream: Socket
  end(): void
}

/**
 * What a relay does with each chunk, one way or the other; the default
 * passes it on. A handler that returns without writing drops the chunk.
 */
export interface RelayHandlers {
  fromClient?(chunk: Buffer, pair: RelayedPair): void
  fromUpstream?(chunk: Buffer, pair: RelayedPair): void
}

/**
 * A TCP relay on loopback to `upstreamPort`, one upstream connection per
 * client connection, each side's close or error dropping both: the shared
 * body of the test proxies that cut, throttle or watch what goes through.
 * `close` drops every connection still open and stops listening.
 */
export async function loopbackRelay(upstreamPort: number, handlers: RelayHandlers) {
  const sockets = new Set<Socket>()
  const server = createServer((client: Socket) => {
    const upstream = connect(upstreamPort, '127.0.0.1')
    sockets.add(client).add(upstream)
    const pair: RelayedPair = {
      client,
      upstream,
      end() {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      },
    }
    client.on('error', pair.end).on('close', pair.end)
    upstream.on('error', pair.end).on('close', pair.end)
    const fromClient = handlers.fromClient ?? ((chunk: Buffer) => upstream.write(chunk))
    const fromUpstream = handlers.fromUpstream ?? ((chunk: Buffer) => client.write(chunk))
    client.on('data', (chunk: Buffer) => fromClient(chunk, pair))
    upstream.on('data', (chunk: Buffer) => fromUpstream(chunk, pair))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
