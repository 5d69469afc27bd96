/**
 * How many transfers are streaming right now, per link and per client
 * address, within caps. A recipient who opens many downloads and stops
 * reading holds a connection and a file or storage connection for each; the
 * caps bound that, and STALL_TIMEOUT ends each one that takes nothing. Kept in
 * memory: on Node that is the whole service, on Workers one isolate.
 */
export class LiveTransfers {
  readonly #byLink = new Map<string, number>()
  readonly #byAddress = new Map<string, number>()

  constructor(
    private readonly perLink: number,
    private readonly perAddress: number,
  ) {}

  /** Whether a transfer could enter now (a check before any work; `enter` decides). */
  hasRoom(linkId: string, address: string): boolean {
    return (this.#byLink.get(linkId) ?? 0) < this.perLink && (this.#byAddress.get(address) ?? 0) < this.perAddress
  }

  /** Counts a transfer in, or refuses it (null) when its link or its address is at the cap. The release runs once. */
  enter(linkId: string, address: string): (() => void) | null {
    if (!this.hasRoom(linkId, address)) return null
    add(this.#byLink, linkId, 1)
    add(this.#byAddress, address, 1)
    let left = false
    return () => {
      if (left) return
      left = true
      add(this.#byLink, linkId, -1)
      add(this.#byAddress, address, -1)
    }
  }
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  const value = (counts.get(key) ?? 0) + delta
  if (value > 0) counts.set(key, value)
  else counts.delete(key)
}
