import { describe, expect, test } from 'vitest'
import { newApiKeySecret, newId, newOrderedId } from '../../src/core/ids'

describe('ids', () => {
  test('are 10 URL-safe characters, never starting with "-" (a command line would read it as an option)', () => {
    const ids = Array.from({ length: 20_000 }, newId)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{9}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('ordered ids: a 7-character time prefix, then a random id; unique within one millisecond', () => {
    const at = Date.UTC(2026, 11, 2)
    const ids = Array.from({ length: 20_000 }, () => newOrderedId(at))
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{16}$/)
    expect(new Set(ids.map((id) => id.slice(0, 7))).size).toBe(1)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('ordered ids compared as text sort by their time, from 1972 to 2109', () => {
    const alphabet = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'
    const decode = (id: string) => [...id.slice(0, 7)].reduce((value, c) => value * 64 + alphabet.indexOf(c), 0)
    const first = 2 ** 36
    const last = 2 ** 42 - 1
    const times = [
      first,
      last,
      Date.UTC(2026, 11, 2),
      ...Array.from({ length: 5_000 }, () => first + Math.floor(Math.random() * (last - first))),
    ]
    // Neighbours across every carry of a digit.
    for (let shift = 6; shift < 42; shift += 6) {
      const carry = (Math.floor(Date.UTC(2026, 11, 2) / 2 ** shift) + 1) * 2 ** shift
      times.push(carry - 1, carry)
    }
    const ids = times.map((at) => ({ at, id: newOrderedId(at) }))
    for (const { at, id } of ids) {
      expect(decode(id)).toBe(at)
      expect(id.startsWith('-')).toBe(false)
    }
    const byText = [...ids].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((x) => x.at)
    expect(byText).toEqual([...times].sort((a, b) => a - b))
  })

  test('API key secrets carry their prefix and 256 bits', () => {
    expect(newApiKeySecret()).toMatch(/^fl_[A-Za-z0-9_-]{43}$/)
  })
})
