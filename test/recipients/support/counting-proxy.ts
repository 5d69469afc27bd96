import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on loopback that counts what the service lets out of a file:
 * the body bytes of every 200 or 206 response it relays (one response per
 * connection; clients send `Connection: close`). It reads from the service
 * only as fast as the client takes, as the client's own socket would, and
 * counts every byte it read, delivered or not.
 */
export class CountingProxy {
  #server: Server | null = null
  #bodyBytes = 0
  #responses = 0
  port = 0

  constructor(private readonly upstreamPort: number) {}

  /** Bytes of 200 and 206 bodies read from the service since the last reset. */
  get bodyBytes(): number {
    return this.#bodyBytes
  }

  get responses(): number {
    return this.#responses
  }

  reset(): void {
    this.#bodyBytes = 0
    this.#responses = 0
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  async start(): Promise<void> {
    this.#server = createServer((client) => this.#relay(client))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    const address = this.#server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()))
  }

  #relay(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1')
    let head = Buffer.alloc(0)
    let inBody = false
    let counting = false
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      if (inBody) {
        if (counting) this.#bodyBytes += chunk.length
      } else {
        head = Buffer.concat([head, chunk])
        const at = head.indexOf('\r\n\r\n')
        if (at >= 0) {
          inBody = true
          this.#responses++
          if (/^HTTP\/1\.1 20[06] /.test(head.toString('latin1', 0, 16))) counting = true
          if (counting) this.#bodyBytes += head.length - at - 4
        }
      }
      if (!client.write(chunk)) {
        upstream.pause()
        client.once('drain', () => upstream.resume())
      }
    })
  }
}
