import { SignJWT } from 'jose'
import { FuselinkError } from '../errors'
import type { KeyRing } from './keys'
import { verifyTypedToken } from './verify'

/**
 * The token of an upload request (the `/u/<token>` page, and the bearer
 * credential its uploader sends): signed by the same key ring as download
 * tokens but of its own `typ`, so that neither can pass for the other.
 */
export const UPLOAD_REQUEST_TOKEN_TYPE = 'fuselink-upload+jwt'

export interface UploadRequestClaims {
  /** The upload request's id. */
  jti: string
  iat: number
  exp: number
}

function isUploadRequestClaims(value: unknown): value is UploadRequestClaims {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  const date = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
  return typeof c.jti === 'string' && c.jti.length > 0 && c.jti.length <= 64 && date(c.iat) && date(c.exp)
}

/** Signs a request's claims; like a link's token it is never stored, only signed again when asked for. */
export async function signUploadRequestToken(ring: KeyRing, claims: UploadRequestClaims): Promise<string> {
  const { signing } = ring
  return new SignJWT({})
    .setProtectedHeader({ alg: signing.alg, typ: UPLOAD_REQUEST_TOKEN_TYPE, kid: signing.kid })
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(signing.signingKey)
}

/** The request a token names; 403 invalid_token for anything else. Time is the request record's to judge. */
export async function verifyUploadRequestToken(ring: KeyRing, token: string): Promise<UploadRequestClaims> {
  const claims = await verifyTypedToken(ring, token, UPLOAD_REQUEST_TOKEN_TYPE)
  if (!isUploadRequestClaims(claims)) throw new FuselinkError('invalid_token', 'The upload link payload is incomplete.')
  return claims
}
