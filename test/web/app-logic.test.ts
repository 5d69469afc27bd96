import { describe, expect, test } from 'vitest'
import { ApiError, problemFrom, sentence } from '../../src/web/app/api'
import { TransferMeter } from '../../src/web/app/transfer-meter'

// The app's browser code that decides something without a page: speed and
// time left of an upload, and the one sentence a refusal becomes.

describe('TransferMeter', () => {
  test('says nothing until it can tell, then the rate of the last few seconds and the time left at it', () => {
    let now = 0
    const meter = new TransferMeter(100_000_000, () => now)
    expect(meter.update(0)).toEqual({ speed: null, secondsLeft: null })
    now = 100
    expect(meter.update(1_000_000)).toEqual({ speed: null, secondsLeft: null })
    now = 1000
    const steady = meter.update(10_000_000)
    expect(steady.speed).toBeCloseTo(10_000_000)
    expect(steady.secondsLeft).toBeCloseTo(9)
    // The network slows down: after a few seconds only the new rate counts.
    for (let t = 1500; t <= 8000; t += 500) {
      now = t
      meter.update(10_000_000 + ((t - 1000) / 1000) * 1_000_000)
    }
    const slow = meter.update(17_000_000)
    expect(slow.speed).toBeGreaterThan(900_000)
    expect(slow.speed).toBeLessThan(1_100_000)
    expect(slow.secondsLeft).toBeCloseTo(83, 0)
  })

  test('a stall gives no speed rather than a division by zero', () => {
    let now = 0
    const meter = new TransferMeter(1000, () => now)
    meter.update(500)
    now = 5000
    expect(meter.update(500)).toEqual({ speed: null, secondsLeft: null })
  })
})

describe('what a refusal says', () => {
  test.each([
    [401, '{"code":"unauthorized"}', null, 'Your session has ended. Sign in again.'],
    [403, '{"code":"forbidden"}', null, 'Your account is not allowed to do that.'],
    [429, '{"code":"rate_limited"}', '300', 'Too many attempts. Try again in 5 minutes.'],
    [429, '{"code":"rate_limited"}', '30', 'Too many attempts. Try again in 1 minute.'],
    [429, '{"code":"rate_limited"}', null, 'Too many attempts. Wait a minute and try again.'],
    [413, '{"code":"payload_too_large"}', null, 'This is larger than the service accepts.'],
    [
      400,
      '{"code":"invalid_request","detail":"expiresIn: at most 600 seconds"}',
      null,
      'The service refused this: expiresIn: at most 600 seconds.',
    ],
    [502, '<html>Bad gateway</html>', null, 'Something went wrong on the server. Try again in a moment.'],
  ])('%i %s (Retry-After %s)', (status, body, retryAfter, expected) => {
    expect(sentence(problemFrom(status, body, retryAfter))).toBe(expected)
  })

  test('no connection, and a fault in the page itself', () => {
    expect(sentence(new ApiError(0, 'network', '', null))).toBe('The service cannot be reached. Check your connection and try again.')
    expect(sentence(new TypeError('x is undefined'))).toBe('Something went wrong in this page. Reload it and try again.')
  })
})
