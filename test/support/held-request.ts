import { connect, type Socket } from 'node:net'

/** A request on a socket of its own that sends its head and `sendFirst` bytes of its body, then holds; reads the answer `readFirst` bytes at most. */
export function heldRequest(baseUrl: string, head: string, body: Uint8Array | null, sendFirst: number, readFirst = Infinity) {
  const { hostname, port } = new URL(baseUrl)
  const socket: Socket = connect(Number(port), hostname)
  let received = 0
  let headEnd = -1
  let buffered = Buffer.alloc(0)
  socket.on('error', () => {})
  socket.on('data', (chunk: Buffer) => {
    if (headEnd < 0) {
      buffered = Buffer.concat([buffered, chunk])
      headEnd = buffered.indexOf('\r\n\r\n')
      if (headEnd >= 0) received = buffered.length - headEnd - 4
    } else {
      received += chunk.length
    }
    if (received >= readFirst) socket.pause()
  })
  socket.write(head)
  if (body) socket.write(body.subarray(0, sendFirst))
  return { socket, received: () => received }
}
