import { loopbackRelay } from './loopback-relay'

/**
 * A loopback proxy that relays what clients send at most `bytesPerSecond`
 * per connection, as a slow uplink would, so that a test can act while an
 * upload is under way, and counts the parts sent (PUT
 * /api/v1/uploads/:id/parts/:n). Answers come back unthrottled.
 */
export async function throttlingProxy(upstreamPort: number, bytesPerSecond: number) {
  let parts = 0
  const relay = await loopbackRelay(upstreamPort, {
    fromClient(chunk, { client, upstream }) {
      // A part's head starts a chunk: it is the first thing sent for a request on its connection.
      if (/^PUT \/api\/v1\/uploads\/[\w-]+\/parts\/\d+ HTTP\/1\.1\r\n/.test(chunk.toString('latin1', 0, 200))) parts++
      upstream.write(chunk)
      // Hold the next chunk for as long as this one takes at the rate.
      client.pause()
      setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000)
    },
  })
  return { port: relay.port, parts: () => parts, close: relay.close }
}
