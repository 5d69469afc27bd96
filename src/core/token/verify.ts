import { compactVerify } from 'jose'
import { fromBase64url, utf8 } from '../encoding'
import { FuselinkError } from '../errors'
import { isLinkClaims, type LinkClaims, MAX_TOKEN_LENGTH, TOKEN_TYPE } from './claims'
import type { KeyRing, VerifyKey } from './keys'

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const decoder = new TextDecoder()
// A header is read as jose reads it: UTF-8 that does not decode is refused, not replaced.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

function invalid(detail: string, cause?: unknown): FuselinkError {
  return new FuselinkError('invalid_token', detail, { cause })
}

function parseHeader(encoded: string): Record<string, unknown> {
  let header: unknown
  try {
    header = JSON.parse(strictDecoder.decode(fromBase64url(encoded)))
  } catch (cause) {
    throw invalid('The link is malformed.', cause)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid('The link is malformed.')
  return header as Record<string, unknown>
}

/** The payload's bytes once the signature checks out, by the key's synchronous check or by jose. */
async function verifiedPayload(key: VerifyKey, token: string, [header, payload, signature]: string[]): Promise<Uint8Array> {
  if (key.verifySignature) {
    let valid: boolean
    let bytes: Uint8Array
    try {
      valid = key.verifySignature(utf8(`${header}.${payload}`), fromBase64url(signature!))
      bytes = fromBase64url(payload!)
    } catch (cause) {
      throw invalid('The link signature is not valid.', cause)
    }
    if (!valid) throw invalid('The link signature is not valid.')
    return bytes
  }
  try {
    return (await compactVerify(token, key.key, { algorithms: [key.alg] })).payload
  } catch (cause) {
    throw invalid('The link signature is not valid.', cause)
  }
}

/**
 * Checks a token's signature and that its header names `typ`, and returns
 * its payload parsed. Every token the service signs has a type of its own
 * (download links, sessions, invites...), so none can pass for another.
 * Every failure is the same 403 invalid_token, whatever went wrong.
 *
 * The header is judged here, before either signature check, so that the
 * synchronous one and jose refuse the same tokens (test/adapters/token-verifier.test.ts).
 */
export async function verifyTypedToken(ring: KeyRing, token: string, typ: string): Promise<unknown> {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw invalid('The link is malformed.')
  const parts = token.split('.')
  const header = parseHeader(parts[0]!)
  // The service writes neither: `crit` names extensions it does not know,
  // and `b64: false` (RFC 7797) would make the payload unencoded.
  if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) throw invalid('The link is malformed.')
  const key = typeof header.kid === 'string' ? ring.verify.get(header.kid) : undefined
  // The key decides the algorithm, never the token: this is what stops
  // "HS256 signed with the public key" and every other confusion.
  if (!key || key.alg !== header.alg) throw invalid('The link was not signed by this service.')
  if (header.typ !== typ) throw invalid('The token is not a fuselink token of this kind.')

  const payload = await verifiedPayload(key, token, parts)
  try {
    return JSON.parse(decoder.decode(payload))
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
