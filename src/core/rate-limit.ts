import type { Clock } from './clock'

const WINDOW_MS = 60_000
const MAX_TRACKED = 50_000

/**
 * Counts failed attempts (bad tokens, bad credentials) per client address in
 * one-minute windows. It is only ever asked after a failure, so a valid token
 * or credential is never refused by it. In memory: per process on Node, per
 * isolate on Workers, which is enough to slow a guesser down. The same
 * counter, with its own limit, bounds the uploads each address starts
 * through upload requests (`count`).
 */
export class FailureLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  /** Records a failure; true when the address is now over its limit. */
  fail(address: string): boolean {
    return this.count(address)
  }

  /** Records one event of what this limiter counts; true when the address is now over its limit. */
  count(address: string): boolean {
    if (this.limit === 0) return false
    const now = this.clock.now()
    let window = this.#windows.get(address)
    if (!window || now - window.start >= WINDOW_MS) {
      this.#windows.delete(address)
      if (this.#windows.size >= MAX_TRACKED) {
        const oldest = this.#windows.keys().next().value
        if (oldest !== undefined) this.#windows.delete(oldest)
      }
      window = { start: now, count: 0 }
      this.#windows.set(address, window)
    }
    window.count += 1
    return window.count > this.limit
  }
}
