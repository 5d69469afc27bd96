import { type CompactJWSHeaderParameters, compactVerify, type FlattenedJWSInput } from 'jose'
import { FuselinkError } from '../errors'
import { isLinkClaims, type LinkClaims, MAX_TOKEN_LENGTH, TOKEN_TYPE } from './claims'
import type { KeyRing } from './keys'

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const decoder = new TextDecoder()

function invalid(detail: string, cause?: unknown): FuselinkError {
  return new FuselinkError('invalid_token', detail, { cause })
}

/**
 * Checks a token's signature and that its header names `typ`, and returns
 * its payload parsed. Every token the service signs has a type of its own
 * (download links, sessions, invites...), so none can pass for another.
 * Every failure is the same 403 invalid_token, whatever went wrong.
 */
export async function verifyTypedToken(ring: KeyRing, token: string, typ: string): Promise<unknown> {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw invalid('The link is malformed.')

  const keyFor = (header: CompactJWSHeaderParameters, _token: FlattenedJWSInput) => {
    const key = header.kid === undefined ? undefined : ring.verify.get(header.kid)
    // The key decides the algorithm, never the token: this is what stops
    // "HS256 signed with the public key" and every other confusion.
    if (!key || key.alg !== header.alg) throw invalid('The link was not signed by this service.')
    return key.key
  }

  let verified
  try {
    verified = await compactVerify(token, keyFor, { algorithms: ring.algorithms })
  } catch (cause) {
    throw cause instanceof FuselinkError ? cause : invalid('The link signature is not valid.', cause)
  }
  if (verified.protectedHeader.typ !== typ) throw invalid('The token is not a fuselink token of this kind.')

  try {
    return JSON.parse(decoder.decode(verified.payload))
  } catch (cause) {
    throw invalid('The link payload is not JSON.', cause)
  }
}

/**
 * Checks a download token's signature, header and claim shapes. Time is not
 * judged here: whether an expired link may still resume is the link policy's
 * call.
 */
export async function verifyLinkToken(ring: KeyRing, token: string): Promise<LinkClaims> {
  const claims = await verifyTypedToken(ring, token, TOKEN_TYPE)
  if (!isLinkClaims(claims)) throw invalid('The link payload is incomplete.')
  return claims
}
