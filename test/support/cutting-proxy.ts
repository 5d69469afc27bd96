import { loopbackRelay } from './loopback-relay'

/**
 * A loopback proxy that drops the connection of the first download (GET or
 * POST on /d/) after `cutAfter` bytes, as a failing network would, and logs
 * request lines with their Range and If-Range.
 */
export async function cuttingProxy(upstreamPort: number, cutAfter = 2 * 1024 * 1024) {
  const requests: string[] = []
  let cut = false
  // What each connection is doing: one request after another on a kept-alive connection.
  const downloading = new WeakMap<object, { active: boolean; relayed: number }>()
  const relay = await loopbackRelay(upstreamPort, {
    fromClient(chunk, pair) {
      // Requests on a kept-alive connection follow one another: read every head.
      for (const head of chunk.toString('latin1').matchAll(/^(?:GET|POST|HEAD) \S+ HTTP\/1\.1\r\n(?:[^\r\n]+\r\n)*/gm)) {
        const lines = head[0].split('\r\n')
        requests.push([lines[0], ...lines.filter((line) => /^(range|if-range):/i.test(line))].join(' | '))
        downloading.set(pair, { active: /^(?:GET|POST) \/d\//.test(lines[0]!), relayed: 0 })
      }
      pair.upstream.write(chunk)
    },
    fromUpstream(chunk, pair) {
      const state = downloading.get(pair)
      if (state) state.relayed += chunk.length
      if (state?.active && !cut && state.relayed > cutAfter) {
        cut = true
        return pair.end()
      }
      pair.client.write(chunk)
    },
  })
  return { port: relay.port, requests, close: relay.close }
}

/**
 * A loopback proxy that drops the connection of the first part an upload
 * sends (PUT /api/v1/uploads/:id/parts/:n) once `cutAfter` bytes of it went
 * upstream, as a failing network would, and counts every part request.
 */
export async function partCuttingProxy(upstreamPort: number, cutAfter = 1024 * 1024) {
  let parts = 0
  let cut = false
  const sending = new WeakMap<object, { active: boolean; relayed: number }>()
  const relay = await loopbackRelay(upstreamPort, {
    fromClient(chunk, pair) {
      // A part's head starts a chunk: it is the first thing sent for a request on its connection.
      if (/^PUT \/api\/v1\/uploads\/[\w-]+\/parts\/\d+ HTTP\/1\.1\r\n/.test(chunk.toString('latin1', 0, 200))) {
        parts++
        sending.set(pair, { active: true, relayed: 0 })
      }
      const state = sending.get(pair)
      if (state) state.relayed += chunk.length
      if (state?.active && !cut && state.relayed > cutAfter) {
        cut = true
        return pair.end()
      }
      pair.upstream.write(chunk)
    },
    fromUpstream(chunk, pair) {
      // An answer ends the request: what follows on this connection is another one.
      const state = sending.get(pair)
      if (state) state.active = false
      pair.client.write(chunk)
    },
  })
  return {
    port: relay.port,
    /** Part requests seen, the cut one included. */
    parts: () => parts,
    cut: () => cut,
    close: relay.close,
  }
}
