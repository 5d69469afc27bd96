import { describe, expect, test } from 'vitest'
import { isResumeRange } from '../../src/core/http/range'

describe('isResumeRange: one range from after byte 0, the way browsers and download managers resume', () => {
  test.each([
    ['bytes=1-', true],
    ['bytes=2031616-', true],
    ['bytes=100-199', true],
    [' BYTES = 7 - ', true],
    ['bytes=007-', true],
    ['bytes=0-', false],
    ['bytes=0-1023', false],
    ['bytes=000-', false],
    ['bytes=-500', false],
    ['bytes=1-2,5-6', false],
    ['items=5-', false],
    ['bytes=a-', false],
    ['', false],
    [null, false],
    [`bytes=1${'0'.repeat(300)}-`, false],
  ])('%j → %s', (header, expected) => {
    expect(isResumeRange(header)).toBe(expected)
  })
})
