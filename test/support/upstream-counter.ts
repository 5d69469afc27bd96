import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on loopback that counts every byte clients send to the service
 * (request lines, headers and bodies), whether the service read it or not:
 * what an uploader really put on the wire.
 */
export class UpstreamCounter {
  #server: Server | null = null
  readonly #sockets = new Set<Socket>()
  bytes = 0
  port = 0

  constructor(private readonly upstream: URL) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    this.#server = createServer((client) => {
      const service = connect(Number(this.upstream.port), this.upstream.hostname)
      this.#sockets.add(client).add(service)
      client.on('data', (chunk: Buffer) => {
        this.bytes += chunk.byteLength
      })
      const end = () => {
        client.destroy()
        service.destroy()
        this.#sockets.delete(client)
        this.#sockets.delete(service)
      }
      client.on('error', end).on('close', end)
      service.on('error', end).on('close', end)
      client.pipe(service)
      service.pipe(client)
    })
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    const address = this.#server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()))
  }
}
