import { describe, expect, test } from 'vitest'
import { syncSigner } from '../../src/adapters/token-signer'
import { generateSigningJwk, importSigningKey, type LinkClaims, signLinkToken, verifyLinkToken } from '../../src/core/token'
import { createKeyRing, type KeyRing } from '../../src/core/token/keys'

const claims: LinkClaims = { jti: 'link-00_01', fid: 'file-00_01', max: 3, ver: 2, iat: 1_800_000_000, exp: 1_800_086_400 }

/** The ring as jose signs with it, and the same ring with node:crypto's synchronous signer (what the Node entry serves with). */
async function rings(signingKey: string): Promise<{ jose: KeyRing; sync: KeyRing }> {
  const jose = createKeyRing(await importSigningKey(signingKey))
  return { jose, sync: { ...jose, signing: { ...jose.signing, sign: syncSigner(jose.signing) } } }
}

describe('link tokens signed synchronously (node:crypto)', () => {
  const deterministic: [string, () => Promise<string>][] = [
    ['EdDSA', async () => JSON.stringify(await generateSigningJwk('EdDSA'))],
    ['HS256', async () => 'a-shared-secret-of-at-least-32-bytes-long'],
  ]
  test.each(deterministic)('%s: byte for byte the token jose signs', async (_alg, key) => {
    const { jose, sync } = await rings(await key())
    for (const c of [claims, { ...claims, ver: 0 }]) {
      const token = await signLinkToken(sync, c)
      expect(token).toBe(await signLinkToken(jose, c))
    }
  })

  test('ES256 (a randomised signature): verified by jose, with the claims and header it would write', async () => {
    const { jose, sync } = await rings(JSON.stringify(await generateSigningJwk('ES256')))
    const token = await signLinkToken(sync, claims)
    const decoded = (jws: string) =>
      jws
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
    const [header, payload] = decoded(token)
    const [joseHeader, josePayload] = decoded(await signLinkToken(jose, claims))
    expect(header).toEqual(joseHeader)
    expect(payload).toEqual(josePayload)
    expect(await verifyLinkToken(jose, token)).toMatchObject({ jti: claims.jti, fid: claims.fid, max: 3, ver: 2 })
  })

  test('a token signed with another key of the same kind is refused', async () => {
    const { sync } = await rings(JSON.stringify(await generateSigningJwk('EdDSA')))
    const other = await rings(JSON.stringify(await generateSigningJwk('EdDSA')))
    const token = await signLinkToken(sync, claims)
    await expect(verifyLinkToken(other.jose, token)).rejects.toMatchObject({ code: 'invalid_token' })
  })
})
