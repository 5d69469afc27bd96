import { describe, expect, test } from 'vitest'
import { addressKey, retryAfterSeconds } from '../../src/core/throttle'

describe('the unit addresses are counted in', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key)
  })

  test('one /64 is one client, whatever address in it', () => {
    expect(addressKey('2001:db8:aa:bb::1')).toBe(addressKey('2001:db8:aa:bb:dead:beef:0:1'))
    expect(addressKey('2001:db8:aa:bb::1')).not.toBe(addressKey('2001:db8:aa:bc::1'))
  })

  test('what is not an address is kept, bounded', () => {
    expect(addressKey('x'.repeat(500))).toHaveLength(64)
    expect(addressKey('not:an:ipv6:zz::1')).toBe('not:an:ipv6:zz::1')
  })
})

test('Retry-After is whole seconds, at least 1', () => {
  expect(retryAfterSeconds(10_500, 10_000)).toBe(1)
  expect(retryAfterSeconds(10_000, 10_000)).toBe(1)
  expect(retryAfterSeconds(70_001, 10_000)).toBe(61)
})
