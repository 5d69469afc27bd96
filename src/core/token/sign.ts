import { SignJWT } from 'jose'
import { type LinkClaims, TOKEN_TYPE } from './claims'
import type { KeyRing } from './keys'

/**
 * Signs a link's claims with the ring's current key. The token is never
 * stored: it can be signed again from the link's stored claims at any time.
 */
export async function signLinkToken(ring: KeyRing, claims: LinkClaims): Promise<string> {
  const { signing } = ring
  const jwt = new SignJWT({ fid: claims.fid, max: claims.max, ...(claims.ver ? { ver: claims.ver } : {}) })
    .setProtectedHeader({ alg: signing.alg, typ: TOKEN_TYPE, kid: signing.kid })
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
  return jwt.sign(signing.signingKey)
}
