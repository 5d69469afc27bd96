import { SignJWT } from 'jose'
import { base64url, utf8 } from '../encoding'
import { type LinkClaims, TOKEN_TYPE } from './claims'
import type { KeyRing } from './keys'

/**
 * Signs a link's claims with the ring's current key. The token is never
 * stored: it can be signed again from the link's stored claims at any time.
 * With a synchronous signer the JWS is put together here, exactly as jose
 * writes it (the same header and claims, in the same order).
 */
export async function signLinkToken(ring: KeyRing, claims: LinkClaims): Promise<string> {
  const { signing } = ring
  const header = { alg: signing.alg, typ: TOKEN_TYPE, kid: signing.kid }
  const payload = { fid: claims.fid, max: claims.max, ...(claims.ver ? { ver: claims.ver } : {}) }
  if (signing.sign) {
    const input = `${base64url(utf8(JSON.stringify(header)))}.${base64url(utf8(JSON.stringify({ ...payload, jti: claims.jti, iat: claims.iat, exp: claims.exp })))}`
    return `${input}.${base64url(signing.sign(utf8(input)))}`
  }
  const jwt = new SignJWT(payload).setProtectedHeader(header).setJti(claims.jti).setIssuedAt(claims.iat).setExpirationTime(claims.exp)
  return jwt.sign(signing.signingKey)
}
