import { SignJWT } from 'jose'
import { describe, expect, test } from 'vitest'
import { FuselinkError } from '../../src/core/errors'
import {
  createKeyRing,
  generateSigningJwk,
  importSigningKey,
  isExpired,
  type KeyRing,
  SERVICE_TOKEN_TYPES,
  type ServiceTokenKind,
  signLinkToken,
  signServiceToken,
  verifyLinkToken,
  verifyServiceToken,
} from '../../src/core/token'

// Sessions, invites, the setup link and resume proofs are JWTs of their own
// `typ`, signed by the same key ring as download tokens: none passes for another.

const KINDS = Object.keys(SERVICE_TOKEN_TYPES) as ServiceTokenKind[]
const claims = { jti: 'sess000001', sub: 'user000001', iat: 1_800_000_000, exp: 1_800_003_600 }

async function ring(): Promise<KeyRing> {
  return createKeyRing(await importSigningKey(JSON.stringify(await generateSigningJwk())))
}

async function refused(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(FuselinkError)
  expect((error as FuselinkError).code).toBe('invalid_token')
}

describe('service tokens', () => {
  test('every kind has its own typ, none the download token’s', () => {
    const types = Object.values(SERVICE_TOKEN_TYPES)
    expect(new Set(types).size).toBe(types.length)
    expect(types).not.toContain('fuselink+jwt')
    expect(SERVICE_TOKEN_TYPES.session).toBe('fuselink-session+jwt')
  })

  test.each(KINDS)('a %s token round-trips its claims with its typ and the ring’s kid', async (kind) => {
    const keys = await ring()
    const token = await signServiceToken(keys, kind, claims)
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
    expect(header).toEqual({ alg: 'EdDSA', typ: SERVICE_TOKEN_TYPES[kind], kid: keys.signing.kid })
    expect(await verifyServiceToken(keys, kind, token)).toMatchObject(claims)
  })

  test.each(KINDS)('a %s token is refused as any other kind and as a download token', async (kind) => {
    const keys = await ring()
    const token = await signServiceToken(keys, kind, claims)
    for (const other of KINDS.filter((k) => k !== kind)) await refused(verifyServiceToken(keys, other, token))
    await refused(verifyLinkToken(keys, token))
  })

  test('a download token is refused as every service token', async () => {
    const keys = await ring()
    const link = await signLinkToken(keys, { jti: 'link000001', fid: 'file000001', max: 1, iat: claims.iat, exp: claims.exp })
    for (const kind of KINDS) await refused(verifyServiceToken(keys, kind, link))
  })

  test('refuses another ring’s token, a tampered payload, alg none and missing claims', async () => {
    const keys = await ring()
    const token = await signServiceToken(keys, 'session', claims)
    await refused(verifyServiceToken(await ring(), 'session', token))
    const [header, , signature] = token.split('.')
    const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'admin00001' })).toString('base64url')
    await refused(verifyServiceToken(keys, 'session', `${header}.${payload}.${signature}`))
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: SERVICE_TOKEN_TYPES.session })).toString('base64url')
    await refused(verifyServiceToken(keys, 'session', `${none}.${payload}.`))
    const noSubject = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', typ: SERVICE_TOKEN_TYPES.session, kid: keys.signing.kid })
      .setJti('sess000001')
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp)
      .sign(keys.signing.signingKey)
    await refused(verifyServiceToken(keys, 'session', noSubject))
  })

  test('time is judged by isExpired, at the second of exp', () => {
    expect(isExpired(claims, claims.exp * 1000 - 1)).toBe(false)
    expect(isExpired(claims, claims.exp * 1000)).toBe(true)
  })
})
