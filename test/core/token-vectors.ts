import { createHmac, KeyObject, randomBytes, sign } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import {
  createKeyRing,
  generateSigningJwk,
  importSigningKey,
  importVerifyKeys,
  type KeyRing,
  type LinkClaims,
  signLinkToken,
  type TokenAlgorithm,
} from '../../src/core/token'

/*
 * The attack and forgery table of download tokens, for one algorithm: run
 * against jose (test/core/token.test.ts) and against node:crypto's
 * synchronous checks beside it (test/adapters/token-verifier.test.ts).
 */

export const claims: LinkClaims = { jti: 'link000001', fid: 'file000001', max: 3, iat: 1_800_000_000, exp: 1_800_086_400 }
export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
export const parts = (token: string) => token.split('.') as [string, string, string]
export const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString())

export async function ringFrom(jwk: JWK | string, previous?: string): Promise<KeyRing> {
  const signing = await importSigningKey(typeof jwk === 'string' ? jwk : JSON.stringify(jwk))
  return createKeyRing(signing, previous ? await importVerifyKeys(previous) : [])
}

export const signingKeys: Record<TokenAlgorithm, () => Promise<JWK | string>> = {
  EdDSA: async () => generateSigningJwk(),
  ES256: async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    return { ...(await exportJWK(privateKey)), kid: 'p256-1' }
  },
  HS256: async () => `a-secret-of-at-least-32-bytes-${randomBytes(8).toString('hex')}`,
}

/** A JWS of any header and payload text, signed (correctly) with the ring's signing key, as the key's holder could. */
function signRaw(ring: KeyRing, header: unknown, payload: string, encoding: 'p1363' | 'der' = 'p1363'): string {
  const input = `${b64(header)}.${payload}`
  const { alg, signingKey } = ring.signing
  let signature: Buffer
  if (signingKey instanceof Uint8Array) signature = createHmac('sha256', signingKey).update(input).digest()
  else {
    const key = KeyObject.from(signingKey)
    signature =
      alg === 'ES256'
        ? sign('sha256', Buffer.from(input), { key, dsaEncoding: encoding === 'der' ? 'der' : 'ieee-p1363' })
        : sign(null, Buffer.from(input), key)
  }
  return `${input}.${signature.toString('base64url')}`
}

/** Text lengthened to 4n+1 characters: no base64 decoder can read that. */
const oneOver = (text: string) => `${text}${'A'.repeat((((1 - text.length) % 4) + 4) % 4 || 4)}`

export interface TokenTable {
  ring: KeyRing
  token: string
  /** Tokens every verifier must refuse, by what they try. */
  refused: [string, string][]
  /** Tokens every verifier must accept, with the claims they carry. */
  accepted: [string, string, Record<string, unknown>][]
}

export async function tokenTable(alg: TokenAlgorithm): Promise<TokenTable> {
  const jwk = await signingKeys[alg]()
  // A previous key of another algorithm in the ring, to be named by kid with the wrong alg.
  const oldSecret = 'the-old-secret-of-thirty-two-bytes-or-more'
  const oldEdDSA = await generateSigningJwk()
  const { d: _oldPrivate, ...oldPublic } = oldEdDSA
  const previous =
    alg === 'HS256' ? { keys: [oldPublic] } : { keys: [{ kty: 'oct', k: Buffer.from(oldSecret).toString('base64url'), kid: 'old-secret' }] }
  const ring = await ringFrom(jwk, JSON.stringify(previous))
  const kid = ring.signing.kid
  const token = await signLinkToken(ring, claims)
  const [header, payload, signature] = parts(token)
  const signatureBytes = Buffer.from(signature, 'base64url')
  const typed = { alg, typ: 'fuselink+jwt', kid }
  const forge = (
    payload: Record<string, unknown>,
    header: Record<string, unknown>,
    key: CryptoKey | Uint8Array,
    jti: string | null = claims.jti,
  ) => {
    const jwt = new SignJWT(payload)
      .setProtectedHeader(header as { alg: string })
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp)
    return (jti ? jwt.setJti(jti) : jwt).sign(key)
  }
  const otherKid = alg === 'HS256' ? oldEdDSA.kid! : 'old-secret'

  const refused: [string, string | Promise<string>][] = [
    ['alg none, no signature', `${b64({ alg: 'none', typ: 'fuselink+jwt', kid })}.${payload}.`],
    ['alg none with the old signature', `${b64({ alg: 'none', typ: 'fuselink+jwt', kid })}.${payload}.${signature}`],
    ['payload tampering (raised limit)', `${header}.${b64({ ...json(payload), max: 1000 })}.${signature}`],
    ['payload tampering (other file)', `${header}.${b64({ ...json(payload), fid: 'file000002' })}.${signature}`],
    ['payload tampering (later expiry)', `${header}.${b64({ ...json(payload), exp: claims.exp + 86400 })}.${signature}`],
    [
      'header tampering (another algorithm named)',
      `${b64({ ...typed, alg: alg === 'HS256' ? 'EdDSA' : 'HS256' })}.${payload}.${signature}`,
    ],
    ['unknown kid', `${b64({ ...typed, kid: 'nobody' })}.${payload}.${signature}`],
    ['no kid', `${b64({ alg, typ: 'fuselink+jwt' })}.${payload}.${signature}`],
    ['a kid that is not a string', `${b64({ ...typed, kid: [kid] })}.${payload}.${signature}`],
    [
      'signed by another key with the same kid',
      ringFrom(await signingKeys[alg]()).then((r) => signLinkToken({ ...r, signing: { ...r.signing, kid } }, claims)),
    ],
    ['a plain JWT without the fuselink typ', forge({ fid: claims.fid, max: claims.max }, { alg, kid }, ring.signing.signingKey)],
    [
      'a token of another kind (a session)',
      forge({ fid: claims.fid, max: claims.max }, { ...typed, typ: 'fuselink-session+jwt' }, ring.signing.signingKey),
    ],
    ['missing claims', forge({ fid: claims.fid }, typed, ring.signing.signingKey, null)],
    ['claims of the wrong type', forge({ fid: claims.fid, max: '3' }, typed, ring.signing.signingKey)],
    ['crit naming an unknown extension', signRaw(ring, { ...typed, crit: ['exp'], exp: 1 }, payload)],
    ['crit naming b64, b64 true (jose alone would accept it)', signRaw(ring, { ...typed, crit: ['b64'], b64: true }, payload)],
    ['b64 false with crit, an unencoded payload', signRaw(ring, { ...typed, crit: ['b64'], b64: false }, '123')],
    ['b64 false without crit', signRaw(ring, { ...typed, b64: false }, payload)],
    ['a header that is a JSON array', signRaw(ring, [typed], payload)],
    ['a header that is JSON null', signRaw(ring, null, payload)],
    ['a payload that is not JSON, signed', signRaw(ring, typed, Buffer.from('{"fid":').toString('base64url'))],
    ['a payload of 4n+1 base64url characters, signed', signRaw(ring, typed, oneOver(payload))],
    ['a header of 4n+1 base64url characters', `${oneOver(header)}.${payload}.${signature}`],
    ['a header that is not UTF-8', `${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.${payload}.${signature}`],
    ['header that is not JSON', `${Buffer.from('{nope').toString('base64url')}.${payload}.${signature}`],
    ['a signature of 4n+1 base64url characters', `${header}.${payload}.${oneOver(signature)}`],
    ['a signature one byte short', `${header}.${payload}.${signatureBytes.subarray(1).toString('base64url')}`],
    ['a signature one byte long', `${header}.${payload}.${Buffer.concat([signatureBytes, Buffer.from([0])]).toString('base64url')}`],
    ['a signature twice over', `${header}.${payload}.${Buffer.concat([signatureBytes, signatureBytes]).toString('base64url')}`],
    ['a signature of zeros', `${header}.${payload}.${Buffer.alloc(signatureBytes.length).toString('base64url')}`],
    ['truncated signature', token.slice(0, -10)],
    ['truncated to two parts', `${header}.${payload}`],
    ['four parts', `${token}.${signature}`],
    ['oversized (over 1 KiB)', `${header}.${b64({ ...json(payload), pad: 'x'.repeat(1100) })}.${signature}`],
    ['garbage', 'not-a-token'],
    ['empty', ''],
    ['JSON instead of a JWS', JSON.stringify({ token })],
    ['standard base64 characters', `${header}.${payload}.${signature.replaceAll('-', '+').replaceAll('_', '/')}+/`],
    ['the kid of another key of another algorithm', `${b64({ ...typed, kid: otherKid })}.${payload}.${signature}`],
  ]
  if (alg === 'ES256') refused.push(['an ES256 signature in DER, not r || s', signRaw(ring, typed, payload, 'der')])
  if (alg !== 'HS256') {
    const { d: _private, ...publicJwk } = jwk as JWK
    refused.push(
      [
        'HS256 signed with the public key (algorithm confusion)',
        forge({ fid: claims.fid, max: claims.max }, { ...typed, alg: 'HS256' }, new TextEncoder().encode(JSON.stringify(publicJwk))),
      ],
      [
        'HS256 signed with the raw public key bytes',
        forge({ fid: claims.fid, max: claims.max }, { ...typed, alg: 'HS256' }, Buffer.from(publicJwk.x!, 'base64url')),
      ],
      [
        'HS256 under the old secret kid, signed with the old secret, with this key alg',
        signRaw(await ringFrom(oldSecret), { ...typed, kid: 'old-secret' }, payload),
      ],
    )
  }

  const oldRing = alg === 'HS256' ? await ringFrom(oldEdDSA) : await ringFrom(oldSecret)
  const accepted: [string, string | Promise<string>, Record<string, unknown>][] = [
    ['the token as signed', token, { ...claims }],
    ['a reissued token (ver)', signLinkToken(ring, { ...claims, ver: 2 }), { ...claims, ver: 2 }],
    ['an unlimited link', signLinkToken(ring, { ...claims, max: null }), { ...claims, max: null }],
    ['an expired token (time is the policy’s to judge)', signLinkToken(ring, { ...claims, exp: 1_000 }), { ...claims, exp: 1_000 }],
    ['a token of the previous key', signLinkToken({ ...oldRing, signing: { ...oldRing.signing, kid: otherKid } }, claims), { ...claims }],
    ['a header with members the service does not write', signRaw(ring, { ...typed, x5u: 'https://example.com' }, payload), { ...claims }],
  ]
  return {
    ring,
    token,
    refused: await Promise.all(refused.map(async ([name, make]) => [name, await make] as [string, string])),
    accepted: await Promise.all(
      accepted.map(async ([name, make, c]) => [name, await make, c] as [string, string, Record<string, unknown>]),
    ),
  }
}
