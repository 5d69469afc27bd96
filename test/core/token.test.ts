import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { describe, expect, test } from 'vitest'
import { ConfigError, FuselinkError } from '../../src/core/errors'
import {
  buildKeyRing,
  generateSigningJwk,
  importSigningKey,
  importVerifyKeys,
  type KeyRing,
  publicJwks,
  signLinkToken,
  TokenVerifier,
  verifyLinkToken,
} from '../../src/core/token'

import { b64, claims, json, parts, ringFrom, tokenTable } from './token-vectors'

async function expectInvalid(ring: KeyRing, token: string) {
  const error = await verifyLinkToken(ring, token).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(FuselinkError)
  expect((error as FuselinkError).code).toBe('invalid_token')
  expect((error as FuselinkError).status).toBe(403)
}

describe('signing and verifying', () => {
  const makers: [string, () => Promise<JWK | string>][] = [
    ['EdDSA', async () => generateSigningJwk()],
    [
      'ES256',
      async () => {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true })
        return { ...(await exportJWK(privateKey)), kid: 'p256-1' }
      },
    ],
    ['HS256', async () => 'a-secret-of-at-least-thirty-two-bytes!'],
  ]
  test.each(makers)('%s round-trips the link claims with typ and kid in the header', async (alg, make) => {
    const ring = await ringFrom(await make())
    const token = await signLinkToken(ring, claims)
    const [header] = parts(token)
    expect(json(header)).toEqual({ alg, typ: 'fuselink+jwt', kid: ring.signing.kid })
    expect(await verifyLinkToken(ring, token)).toMatchObject(claims)
  })

  test('a link URL stays under 300 characters with the default EdDSA key and the largest limit', async () => {
    const ring = await ringFrom(await generateSigningJwk())
    const token = await signLinkToken(ring, { ...claims, max: 10_000 })
    expect(`https://share.example.com/s/${token}`.length).toBeLessThan(300)
  })

  test('is deterministic for EdDSA, so a link can be signed again from its stored claims', async () => {
    const ring = await ringFrom(await generateSigningJwk())
    expect(await signLinkToken(ring, claims)).toBe(await signLinkToken(ring, claims))
  })
})

describe.each(['EdDSA', 'ES256', 'HS256'] as const)('%s: attacks and forgeries, all refused as 403 invalid_token', async (alg) => {
  const table = await tokenTable(alg)
  test.each(table.refused)('%s', async (_name, token) => {
    await expectInvalid(table.ring, token)
  })
  test.each(table.accepted)('accepted: %s', async (_name, token, expected) => {
    expect(await verifyLinkToken(table.ring, token)).toEqual(expected)
  })
})

describe('time is not judged by the signature check', () => {
  test('an expired token still verifies, so the link policy can name it link_expired or allow a resume', async () => {
    const ring = await ringFrom(await generateSigningJwk())
    const old = { ...claims, iat: 1_000_000_000, exp: 1_000_000_060 }
    expect(await verifyLinkToken(ring, await signLinkToken(ring, old))).toMatchObject(old)
  })
})

describe('rotation', () => {
  test('tokens of a previous key verify through TOKEN_VERIFY_KEYS; unlisted keys do not', async () => {
    const oldJwk = await generateSigningJwk()
    const oldRing = await ringFrom(oldJwk)
    const oldToken = await signLinkToken(oldRing, claims)
    const { d: _d, ...oldPublic } = oldJwk
    const newRing = await ringFrom(await generateSigningJwk(), JSON.stringify({ keys: [oldPublic] }))
    expect(await verifyLinkToken(newRing, oldToken)).toMatchObject(claims)
    await expectInvalid(await ringFrom(await generateSigningJwk()), oldToken)
    expect(
      publicJwks(newRing)
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([newRing.signing.kid, oldJwk.kid].sort())
  })

  test('an earlier HS256 secret can be kept as an oct JWK', async () => {
    const secret = 'the-old-secret-of-thirty-two-bytes-or-more'
    const oldRing = await ringFrom(secret)
    const oldToken = await signLinkToken(oldRing, claims)
    const oct = { kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: oldRing.signing.kid }
    const newRing = await ringFrom(await generateSigningJwk(), JSON.stringify({ keys: [oct] }))
    expect(await verifyLinkToken(newRing, oldToken)).toMatchObject(claims)
    expect(publicJwks(newRing).keys).toHaveLength(1)
  })

  test('the JWKS never carries private material', async () => {
    const ring = await ringFrom(await generateSigningJwk())
    for (const key of publicJwks(ring).keys) {
      expect(key).not.toHaveProperty('d')
      expect(key).toMatchObject({ use: 'sig', kid: ring.signing.kid, alg: 'EdDSA' })
    }
  })
})

describe('key configuration errors name the setting', () => {
  test.each([
    ['a short HS256 secret', 'too-short'],
    ['JSON that does not parse', '{"kty":'],
    ['a JWK without kid', async () => JSON.stringify({ ...(await generateSigningJwk()), kid: undefined })],
    [
      'a public key where a private one is needed',
      async () => {
        const { d: _d, ...pub } = await generateSigningJwk()
        return JSON.stringify(pub)
      },
    ],
    ['an unsupported key type', JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB', kid: 'rsa' })],
  ] as const)('%s', async (_name, value) => {
    const text = typeof value === 'function' ? await value() : value
    const error = await importSigningKey(text).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).setting).toBe('TOKEN_SIGNING_KEY')
  })

  // A 1-byte oct key was accepted and could be recovered from a single token.
  test.each([
    ['TOKEN_SIGNING_KEY', (jwk: JWK) => importSigningKey(JSON.stringify(jwk))],
    ['TOKEN_VERIFY_KEYS', (jwk: JWK) => importVerifyKeys(JSON.stringify({ keys: [jwk] }))],
  ] as const)('an oct key shorter than 32 bytes is refused in %s', async (setting, load) => {
    for (const length of [1, 16, 31]) {
      const jwk: JWK = { kty: 'oct', k: Buffer.alloc(length, 7).toString('base64url'), kid: 'short' }
      const error = await load(jwk).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).setting).toBe(setting)
      expect((error as ConfigError).message).toContain('32 bytes')
    }
    await expect(load({ kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'long' })).resolves.toBeTruthy()
  })

  test('two different keys under one kid are refused instead of one silently replacing the other', async () => {
    const first = await generateSigningJwk()
    const second = { ...(await generateSigningJwk()), kid: first.kid }
    const { d: _d1, ...firstPublic } = first
    const { d: _d2, ...secondPublic } = second
    const twice = await buildKeyRing(
      JSON.stringify(await generateSigningJwk()),
      JSON.stringify({ keys: [firstPublic, secondPublic] }),
    ).catch((e: unknown) => e)
    expect(twice).toBeInstanceOf(ConfigError)
    expect((twice as ConfigError).setting).toBe('TOKEN_VERIFY_KEYS')
    expect((twice as ConfigError).message).toContain(`kid ${first.kid}`)
    // A verify key may not take the signing key's kid with other material either.
    const clash = await buildKeyRing(JSON.stringify(first), JSON.stringify({ keys: [secondPublic] })).catch((e: unknown) => e)
    expect(clash).toBeInstanceOf(ConfigError)
    expect((clash as ConfigError).message).toContain(`kid ${first.kid}`)
    // The same key listed again (the signing key's public half in the JWKS) is one key, not a clash.
    const ring = await buildKeyRing(JSON.stringify(first), JSON.stringify({ keys: [firstPublic, firstPublic] }))
    expect([...ring.verify.keys()]).toEqual([first.kid])
  })

  test('TOKEN_VERIFY_KEYS must be a JWKS', async () => {
    const error = await importVerifyKeys('[]').catch((e: unknown) => e)
    expect((error as ConfigError).setting).toBe('TOKEN_VERIFY_KEYS')
  })
})

describe('TokenVerifier', () => {
  test('remembers verified tokens only, and never lets a tampered one through', async () => {
    const ring = await ringFrom(await generateSigningJwk())
    const verifier = new TokenVerifier(ring, 2)
    const token = await signLinkToken(ring, claims)
    expect(await verifier.verify(token)).toMatchObject(claims)
    expect(await verifier.verify(token)).toMatchObject(claims)
    const [header, payload, signature] = parts(token)
    const tampered = `${header}.${b64({ ...json(payload), max: 99 })}.${signature}`
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ code: 'invalid_token' })
    // Bounded: older entries are dropped, and still verify when asked again.
    for (let i = 0; i < 3; i++) await verifier.verify(await signLinkToken(ring, { ...claims, jti: `link00000${i}` }))
    expect(await verifier.verify(token)).toMatchObject(claims)
  })
})
