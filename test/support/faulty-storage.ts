import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export type StorageFault = 'cut' | 'stall' | 'reset' | 'slow'

/**
 * An S3 endpoint on loopback in front of another that fails on demand, as a
 * storage server dying or hanging mid-answer would: once armed, the next GET
 * of an object under `files/` that storage answers with a body is relayed for
 * `after` bytes of that body, then its connection is dropped (`cut`) or
 * simply stops sending while staying open (`stall`); or that GET's whole
 * body is relayed at `after` bytes per second (`slow`). `reset` is storage
 * unreachable: every such GET's connection is reset before any answer until
 * another fault is armed (a client may rightly try a GET again once, on a
 * fresh connection, when a kept one was reset). Every other request is
 * relayed untouched.
 */
export interface FaultyStorage {
  endpoint: string
  arm(fault: StorageFault, after: number): void
  /** Whether the armed fault has happened. */
  readonly fired: boolean
  close(): Promise<void>
}

export async function startFaultyStorage(upstream: string): Promise<FaultyStorage> {
  const origin = new URL(upstream)
  const sockets = new Set<Socket>()
  let armed: { fault: StorageFault; after: number } | null = null
  let fired = false

  const relay = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (armed?.fault === 'reset' && incoming.method === 'GET' && /^\/[^/]+\/files\//.test(incoming.url ?? '')) {
      fired = true
      incoming.socket.resetAndDestroy()
      return
    }
    const forwarded = request(
      { host: origin.hostname, port: origin.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        const fault = armed
        const faulty = fault && incoming.method === 'GET' && /^\/[^/]+\/files\//.test(incoming.url ?? '') && answer.statusCode! < 300
        if (!faulty) {
          answer.pipe(outgoing)
          return
        }
        armed = null
        if (fault.fault === 'slow') {
          answer.on('data', (chunk: Buffer) => {
            answer.pause()
            outgoing.write(chunk)
            setTimeout(() => answer.resume(), (chunk.byteLength / fault.after) * 1000)
          })
          answer.on('end', () => {
            fired = true
            outgoing.end()
          })
          return
        }
        let relayed = 0
        answer.on('data', (chunk: Buffer) => {
          if (fired) return
          const room = fault.after - relayed
          if (chunk.byteLength < room) {
            relayed += chunk.byteLength
            outgoing.write(chunk)
            return
          }
          outgoing.write(chunk.subarray(0, room))
          fired = true
          answer.destroy()
          // A cut drops the connection once what was let through is on its
          // way; a stall leaves it open and silent.
          if (fault.fault === 'cut') outgoing.write(Buffer.alloc(0), () => outgoing.socket?.destroy())
        })
      },
    )
    forwarded.on('error', () => outgoing.destroy())
    incoming.pipe(forwarded)
  }

  const server: Server = createServer(relay)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arm(fault, after) {
      armed = { fault, after }
      fired = false
    },
    get fired() {
      return fired
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
