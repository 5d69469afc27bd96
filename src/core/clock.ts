/** Injected everywhere time matters, so tests can freeze it. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export function seconds(ms: number): number {
  return Math.floor(ms / 1000)
}
