import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A loopback proxy that drops the connection of the first download (GET or
 * POST on /d/) after `cutAfter` bytes, as a failing network would, and logs
 * request lines with their Range and If-Range.
 */
export async function cuttingProxy(upstreamPort: number, cutAfter = 2 * 1024 * 1024) {
  const requests: string[] = []
  let cut = false
  const server: Server = createServer((client: Socket) => {
    const upstream = connect(upstreamPort, '127.0.0.1')
    let downloading = false
    let relayed = 0
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.on('data', (chunk: Buffer) => {
      // Requests on a kept-alive connection follow one another: read every head.
      for (const head of chunk.toString('latin1').matchAll(/^(?:GET|POST|HEAD) \S+ HTTP\/1\.1\r\n(?:[^\r\n]+\r\n)*/gm)) {
        const lines = head[0].split('\r\n')
        requests.push([lines[0], ...lines.filter((line) => /^(range|if-range):/i.test(line))].join(' | '))
        downloading = /^(?:GET|POST) \/d\//.test(lines[0]!)
        relayed = 0
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      relayed += chunk.length
      if (downloading && !cut && relayed > cutAfter) {
        cut = true
        return end()
      }
      client.write(chunk)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { port, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/**
 * A loopback proxy that drops the connection of the first part an upload
 * sends (PUT /api/v1/uploads/:id/parts/:n) once `cutAfter` bytes of it went
 * upstream, as a failing network would, and counts every part request.
 */
export async function partCuttingProxy(upstreamPort: number, cutAfter = 1024 * 1024) {
  let parts = 0
  let cut = false
  const server: Server = createServer((client: Socket) => {
    const upstream = connect(upstreamPort, '127.0.0.1')
    let sending = false
    let relayed = 0
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.on('data', (chunk: Buffer) => {
      // A part's head starts a chunk: it is the first thing sent for a request on its connection.
      if (/^PUT \/api\/v1\/uploads\/[\w-]+\/parts\/\d+ HTTP\/1\.1\r\n/.test(chunk.toString('latin1', 0, 200))) {
        parts++
        sending = true
        relayed = 0
      }
      relayed += chunk.length
      if (sending && !cut && relayed > cutAfter) {
        cut = true
        return end()
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      // An answer ends the request: what follows on this connection is another one.
      sending = false
      client.write(chunk)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    /** Part requests seen, the cut one included. */
    parts: () => parts,
    cut: () => cut,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
