import { request } from 'node:http'

export interface SlowDownloadResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** The body ended as HTTP framed it (all of Content-Length), not cut off. */
  complete: boolean
}

export interface SlowDownload {
  /** Bytes of the body received so far. */
  received(): number
  /** Resolves once the response ends or breaks. */
  done: Promise<SlowDownloadResult>
  /** Stops reading (the server's writes back up), or goes on: a paused download notices nothing, not even its end, until resumed. */
  pause(): void
  resume(): void
  /** Drops the connection, as a client that goes away does. */
  destroy(): void
}

/**
 * A GET that reads its body slowly (one network read, then `pauseMs`), so a
 * download stays in flight while a test signals, kills or breaks something.
 */
export function slowDownload(url: string, options: { pauseMs?: number; headers?: Record<string, string> } = {}): SlowDownload {
  const pauseMs = options.pauseMs ?? 20
  const chunks: Buffer[] = []
  let received = 0
  let held = false
  let response: import('node:http').IncomingMessage | undefined
  const req = request(url, { headers: options.headers })
  const done = new Promise<SlowDownloadResult>((resolve, reject) => {
    req.on('error', (error) => (response ? undefined : reject(error)))
    req.on('response', (res) => {
      response = res
      let ended = false
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        received += chunk.length
        res.pause()
        setTimeout(() => held || res.resume(), pauseMs)
      })
      res.on('end', () => (ended = true))
      res.on('error', () => {})
      const finish = () => {
        const body = Buffer.concat(chunks)
        const length = Number(res.headers['content-length'] ?? Number.NaN)
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          complete: ended && (Number.isNaN(length) || length === body.length),
        })
      }
      res.on('close', finish)
    })
    req.end()
  })
  return {
    received: () => received,
    done,
    pause() {
      held = true
      response?.pause()
    },
    resume() {
      held = false
      response?.resume()
    },
    destroy: () => req.destroy(),
  }
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
