import { pbkdf2Sync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { hashPassword, KDF, kdfParameters, verifyNothing, verifyPassword } from '../../src/core/password'

// The password hash of accounts and links (docs/accounts.md, "Password hashing").

const FORMAT = /^pbkdf2-sha256\$r=(\d+),i=(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/
// Cheap parameters for tests of the construction itself; the defaults are tested once.
const CHEAP = { rounds: 2, iterations: 1000 }

describe('password hashing', () => {
  test('costs 600,000 PBKDF2-HMAC-SHA256 iterations by default, as calls of at most 100,000 (what workerd allows)', () => {
    expect(KDF.rounds * KDF.iterations).toBeGreaterThanOrEqual(600_000)
    expect(KDF.iterations).toBeLessThanOrEqual(100_000)
  })

  test('stores the algorithm, its cost and a random salt with the hash, and verifies with the defaults', async () => {
    const stored = await hashPassword('correct horse battery')
    const [, rounds, iterations] = FORMAT.exec(stored)!
    expect({ rounds: Number(rounds), iterations: Number(iterations) }).toEqual(KDF)
    expect(kdfParameters(stored)).toEqual(KDF)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
  })

  test('is PBKDF2-HMAC-SHA256 chained: each round hashes the last round’s output, salted with the salt and its index', async () => {
    const stored = await hashPassword('pässwörd, long enough', CHEAP)
    const [, , , salt, hash] = FORMAT.exec(stored)!
    let material: Buffer = Buffer.from('pässwörd, long enough'.normalize('NFC'))
    for (let round = 0; round < CHEAP.rounds; round++) {
      material = pbkdf2Sync(
        material,
        Buffer.concat([Buffer.from(salt!, 'base64url'), Buffer.from([round])]),
        CHEAP.iterations,
        32,
        'sha256',
      )
    }
    expect(material.toString('base64url')).toBe(hash)
  })

  test('salts every hash: the same password hashes differently each time', async () => {
    const a = await hashPassword('same password here', CHEAP)
    const b = await hashPassword('same password here', CHEAP)
    expect(a).not.toBe(b)
    expect(await verifyPassword('same password here', a)).toBe(true)
    expect(await verifyPassword('same password here', b)).toBe(true)
  })

  test('verifies with the cost stored, so hashes made with other parameters keep working', async () => {
    const stored = await hashPassword('older, cheaper hash', { rounds: 1, iterations: 2000 })
    expect(kdfParameters(stored)).toEqual({ rounds: 1, iterations: 2000 })
    expect(await verifyPassword('older, cheaper hash', stored)).toBe(true)
  })

  test('normalises to NFC: the same password typed on two systems matches', async () => {
    const composed = 'caf\u00e9 au lait!'
    const decomposed = 'cafe\u0301 au lait!'
    expect(composed).not.toBe(decomposed)
    expect(await verifyPassword(decomposed, await hashPassword(composed, CHEAP))).toBe(true)
  })

  test('never matches a stored value it could not have written, nor one asking for more work than allowed', async () => {
    const stored = await hashPassword('a password of ours', CHEAP)
    const [, , , salt, hash] = FORMAT.exec(stored)!
    for (const bad of [
      '',
      'plain text',
      stored.replace('pbkdf2-sha256', 'pbkdf2-sha1'),
      `pbkdf2-sha256$r=3,i=1000$${salt}$${hash}`,
      `pbkdf2-sha256$r=0,i=1000$${salt}$${hash}`,
      `pbkdf2-sha256$r=65,i=1000$${salt}$${hash}`,
      `pbkdf2-sha256$r=2,i=100001$${salt}$${hash}`,
      `pbkdf2-sha256$r=2,i=1000$${salt}$${hash!.startsWith('A') ? 'B' : 'A'}${hash!.slice(1)}`,
    ]) {
      expect(await verifyPassword('a password of ours', bad)).toBe(false)
    }
  })

  test('verifyNothing takes the time of a verification and is always false', async () => {
    const stored = await hashPassword('timing reference')
    const t0 = performance.now()
    await verifyPassword('timing reference', stored)
    const real = performance.now() - t0
    await verifyNothing('warm-up: the decoy hash is made once')
    const t1 = performance.now()
    expect(await verifyNothing('anything at all')).toBe(false)
    expect(performance.now() - t1).toBeGreaterThan(real / 4)
  })
})
