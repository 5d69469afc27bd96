import { describe, expect, test } from 'vitest'
import { FailureLimiter } from '../../src/core/rate-limit'

describe('FailureLimiter', () => {
  test('allows RATE_LIMIT failures per address per minute, then refuses until the window passes', () => {
    let now = 0
    const limiter = new FailureLimiter(3, { now: () => now })
    expect([1, 2, 3, 4, 5].map(() => limiter.fail('10.0.0.1'))).toEqual([false, false, false, true, true])
    expect(limiter.fail('10.0.0.2')).toBe(false)
    now += 60_000
    expect(limiter.fail('10.0.0.1')).toBe(false)
  })

  test('0 disables it', () => {
    const limiter = new FailureLimiter(0, { now: () => 0 })
    expect(Array.from({ length: 1000 }, () => limiter.fail('a')).some(Boolean)).toBe(false)
  })
})
