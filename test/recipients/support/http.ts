import { request } from 'node:http'

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
