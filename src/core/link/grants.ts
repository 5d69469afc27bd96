import type { Clock } from '../clock'
import type { TransferLedger } from '../ports'

/**
 * A transfer's first reservation, and the largest it asks for at a time
 * afterwards. Small grants keep what a live transfer holds beyond what it
 * sent small: that excess is what a resume overlapping it must get back from
 * the 16 MiB allowance, on top of the socket buffers. The next grant is asked
 * ahead of time, so a database round trip (D1) does not stall the stream.
 */
export const FIRST_GRANT = 256 * 1024
export const MAX_GRANT = 1024 * 1024
/** How long an unsettled transfer counts as alive. */
export const TRANSFER_LEASE_MS = 5 * 60_000

// A transfer that finds the budget spent waits this long, at most, for the
// link's other transfers to settle or be trimmed before it ends early. An
// honest multi-connection client closes its overrunning connections within
// moments; only overlapping demand beyond the budget waits it out.
const WALL_WAIT_MS = 10_000
const FIRST_PAUSE_MS = 25
const MAX_PAUSE_MS = 500

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface GrantDeps {
  state: TransferLedger
  clock: Clock
}

export interface GrantedTransfer {
  id: string
  linkId: string
  /** Bytes the transfer was asked for. */
  length: number
  /** The link's give-back allowance (giveBackCap). */
  cap: number
}

/**
 * The budget side of one streaming transfer: it holds what the ledger
 * granted so far and asks for more, in growing chunks, just before the bytes
 * are needed. Every grant is one guarded statement, so concurrent transfers
 * of a link can never together be granted more than its budget
 * (docs/counting.md, "Grants in chunks" and "Waiting for room").
 */
export class TransferGrants {
  #granted: number
  #chunk: number
  /** A grant asked ahead of need, at most one at a time. */
  #ahead: Promise<void> | null = null

  constructor(
    private readonly deps: GrantDeps,
    private readonly transfer: GrantedTransfer,
    first: number,
  ) {
    this.#granted = first
    this.#chunk = Math.max(first, FIRST_GRANT)
  }

  /**
   * Makes sure the transfer may send `total` bytes in all, if the budget
   * allows it now or within a short wait. Resolves to what it may send.
   */
  async allow(total: number): Promise<number> {
    const need = Math.min(total, this.transfer.length)
    if (this.#ahead) await this.#ahead
    let waited = 0
    let pause = FIRST_PAUSE_MS
    while (this.#granted < need) {
      const missing = need - this.#granted
      const ask = this.#nextAsk(missing)
      let got = ask
      let outcome = await this.#reserve(ask)
      if (outcome === 'no_room' && ask > missing) {
        got = missing
        outcome = await this.#reserve(missing)
      }
      if (outcome === 'granted') {
        this.#grew(got, ask)
        continue
      }
      if (outcome === 'stopped') return this.#granted
      // The budget is spent for now. Bytes that duplicate what another
      // transfer of the link fetches can be given back; otherwise another
      // transfer may be about to settle and release what it holds.
      if (await this.deps.state.makeRoom(this.transfer.linkId, null, this.transfer.cap)) continue
      if (waited >= WALL_WAIT_MS) return this.#granted
      await sleep(pause)
      waited += pause
      pause = Math.min(pause * 2, MAX_PAUSE_MS)
    }
    if (this.#granted < this.transfer.length && this.#granted - need < this.#chunk / 2) this.#ahead = this.#askAhead()
    return this.#granted
  }

  /** One grant before it is needed; a refusal is left for `allow` to handle when it is. */
  async #askAhead(): Promise<void> {
    const ask = this.#nextAsk(0)
    if ((await this.#reserve(ask).catch(() => 'no_room' as const)) === 'granted') this.#grew(ask, ask)
    this.#ahead = null
  }

  #nextAsk(missing: number): number {
    return Math.min(this.transfer.length - this.#granted, Math.max(missing, this.#chunk))
  }

  #grew(got: number, asked: number): void {
    this.#granted += got
    if (got === asked) this.#chunk = Math.min(this.#chunk * 2, MAX_GRANT)
  }

  #reserve(bytes: number) {
    return this.deps.state.reserve(this.transfer.id, bytes, this.deps.clock.now() + TRANSFER_LEASE_MS)
  }
}
