import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../src/core/errors'
import { jsonLogger, maskSecrets } from '../../src/core/log'
import { startupFailureLine } from '../../src/core/startup-failure'

const ADMIN_KEY = 'admin-key-that-must-stay-secret'
const JWK = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'public-part', d: 'private-part-of-the-key' })

describe('jsonLogger', () => {
  test('writes one JSON object per line: the time of its clock, the message, the fields', () => {
    const lines: string[] = []
    const log = jsonLogger((line) => lines.push(line), { clock: { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) } })
    log('sweep done', { settled: 2 })
    log('no fields')
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: '2026-01-02T03:04:05.000Z', message: 'sweep done', settled: 2 },
      { time: '2026-01-02T03:04:05.000Z', message: 'no fields' },
    ])
    expect(lines.every((line) => !line.includes('\n'))).toBe(true)
  })

  test('masks the secrets it was given, a JWK inside a JSON string included', () => {
    const lines: string[] = []
    const log = jsonLogger((line) => lines.push(line), { secrets: [ADMIN_KEY, JWK] })
    log('unhandled error', { error: `Error: bad header ${ADMIN_KEY}`, config: JWK })
    const text = lines.join('\n')
    expect(text).not.toContain(ADMIN_KEY)
    expect(text).not.toContain('private-part-of-the-key')
    expect(JSON.parse(lines[0]!)).toMatchObject({ error: 'Error: bad header [secret]', config: '[secret]' })
  })
})

describe('startupFailureLine', () => {
  test('a ConfigError: the setting, what is wrong', () => {
    expect(startupFailureLine(new ConfigError('MAX_LINK_TTL', 'must be a whole number of at least 1, got "a week"'))).toBe(
      'fuselink: bad configuration: MAX_LINK_TTL: must be a whole number of at least 1, got "a week"',
    )
  })

  test('anything else: its name and message, on one line', () => {
    const error = new TypeError('first line\n    second line')
    expect(startupFailureLine(error)).toBe('fuselink: failed to start: TypeError: first line second line')
    expect(startupFailureLine('a string')).toBe('fuselink: failed to start: a string')
  })

  test('never shows a secret it was given', () => {
    const line = startupFailureLine(new Error(`cannot use ${ADMIN_KEY}`), [ADMIN_KEY])
    expect(line).toBe('fuselink: failed to start: Error: cannot use [secret]')
  })

  test('leaves values too short to be a key alone, rather than garble the line', () => {
    expect(maskSecrets('fuselink: bad configuration', ['a', 'fuse'])).toBe('fuselink: bad configuration')
  })
})
