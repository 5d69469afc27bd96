import { request } from 'node:http'
import { connect } from 'node:net'

export interface Fetched {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Body bytes the client read (kept only when asked). */
  body: Buffer
  received: number
  /** True when the client stopped reading on purpose. */
  aborted: boolean
  /** True when the server cut the response short (fewer bytes than Content-Length). */
  truncated: boolean
}

export interface FetchOptions {
  method?: string
  headers?: Record<string, string>
  /** Stop reading and close the connection once this many body bytes arrived. */
  abortAfter?: number
  keepBody?: boolean
}

/**
 * One request on its own connection (no keep-alive), so that a counting proxy
 * sees one response per connection and an abort closes exactly that transfer.
 */
export function fetchOnce(url: string, options: FetchOptions = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: { connection: 'close', ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        let received = 0
        let aborted = false
        const done = (truncated: boolean) =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), received, aborted, truncated })
        res.on('data', (chunk: Buffer) => {
          if (aborted) return
          received += chunk.length
          if (options.keepBody) chunks.push(chunk)
          if (options.abortAfter !== undefined && received >= options.abortAfter) {
            aborted = true
            req.destroy()
            done(false)
          }
        })
        res.on(
          'end',
          () => !aborted && done(res.headers['content-length'] !== undefined && received < Number(res.headers['content-length'])),
        )
        res.on('error', () => !aborted && done(true))
        res.on('aborted', () => !aborted && done(true))
      },
    )
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
    req.end()
  })
}

export interface Stalled {
  status: number
  /** Body bytes read before the client stopped reading. */
  received: number
  /** Drops the connection with its unread bytes (a TCP reset, as when a client is killed). */
  reset(): void
}

/**
 * A GET on its own connection that reads the body until `bytes` arrived and
 * then stops reading, keeping the connection open: the server goes on
 * writing until every buffer between it and this client is full, as for a
 * client that hangs or is about to be killed.
 */
export function stallAfter(url: string, bytes: number): Promise<Stalled> {
  const { hostname, port, pathname, search } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let head = Buffer.alloc(0)
    let status = 0
    let received = 0
    const stall = () => {
      socket.pause()
      socket.off('data', onData)
      resolve({ status, received, reset: () => socket.resetAndDestroy() })
    }
    const onData = (chunk: Buffer) => {
      if (status === 0) {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        status = Number(head.toString('latin1', 9, 12))
        chunk = head.subarray(end + 4)
      }
      received += chunk.length
      if (received >= bytes || status >= 300) stall()
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.once('end', () => reject(new Error(`the server closed the connection after ${received} body bytes`)))
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`)
  })
}
