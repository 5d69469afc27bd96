import { describe, expect, test } from 'vitest'
import { newApiKeySecret, newId } from '../../src/core/ids'

describe('ids', () => {
  test('are 10 URL-safe characters, never starting with "-" (a command line would read it as an option)', () => {
    const ids = Array.from({ length: 20_000 }, newId)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{9}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('API key secrets carry their prefix and 256 bits', () => {
    expect(newApiKeySecret()).toMatch(/^fl_[A-Za-z0-9_-]{43}$/)
  })
})
