import type { Server } from 'node:http'
import type { Log } from '../core/log'

/** How long the bookkeeping of transfers (settling what they sent) may take once connections are closed. */
const SETTLE_MS = 5000
/** How often idle keep-alive connections are closed while draining: a finished request leaves one behind. */
const IDLE_SWEEP_MS = 200

/** Work that must end before the process does: a download's bookkeeping, which runs after its answer. */
export class PendingWork {
  readonly #pending = new Set<Promise<unknown>>()

  track(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work.finally(() => this.#pending.delete(tracked))
    this.#pending.add(tracked)
  }

  /** Resolves when everything tracked so far has ended, or after `ms`. */
  async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled([...this.#pending]), new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
    clearTimeout(timer)
  }
}

export interface ShutdownOptions {
  /** DRAIN_TIMEOUT, in milliseconds. */
  drainMs: number
  pending: PendingWork
  log: Log
  /** Releases what the server held (the database), once nothing uses it any more. */
  close(): void
}

/**
 * SIGTERM or SIGINT stops the server gracefully: it stops accepting at once,
 * lets the requests in flight — downloads included — finish for up to
 * DRAIN_TIMEOUT, then cuts what is left; every transfer's bookkeeping settles
 * what it sent, the database closes and the process exits 0. Another signal
 * while draining changes nothing: a supervisor signalling a process group
 * reaches the server directly and again through npm.
 */
export function stopGracefully(server: Server, options: ShutdownOptions): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    options.log('stopping', { signal, drainSeconds: options.drainMs / 1000 })
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const idle = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS)
    let deadline: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(true), options.drainMs)))
    void (async () => {
      const cut = await Promise.race([closed.then(() => false), timedOut])
      clearTimeout(deadline)
      if (cut) {
        server.closeAllConnections()
        await closed
      }
      clearInterval(idle)
      await options.pending.settled(SETTLE_MS)
      options.log('stopped', { drained: !cut })
      options.close()
      process.exit(0)
    })()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
