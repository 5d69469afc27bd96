/*
 * Speed and time left of a transfer from its progress events: the rate over
 * the last few seconds, so that it follows the network without jumping at
 * every event.
 */

const WINDOW_MS = 3000

export interface Reading {
  /** Bytes per second; null until there is enough to tell. */
  speed: number | null
  /** Seconds to go at that speed; null when unknown. */
  secondsLeft: number | null
}

export class TransferMeter {
  private readonly samples: { at: number; loaded: number }[] = []

  constructor(
    private readonly total: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(loaded: number): Reading {
    const at = this.now()
    this.samples.push({ at, loaded })
    while (this.samples.length > 2 && at - this.samples[1]!.at >= WINDOW_MS) this.samples.shift()
    const first = this.samples[0]!
    const elapsed = (at - first.at) / 1000
    if (elapsed < 0.25 || loaded <= first.loaded) return { speed: null, secondsLeft: null }
    const speed = (loaded - first.loaded) / elapsed
    return { speed, secondsLeft: (this.total - loaded) / speed }
  }
}
