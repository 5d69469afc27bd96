import { createHmac, KeyObject, sign } from 'node:crypto'
import type { KeyRing } from '../core/token/keys'

/**
 * The ring's signing key as a synchronous signer of a JWS signing input
 * (Node): node:crypto signs on the calling thread, where WebCrypto hands each
 * signature to the thread pool and back, several times the cost of an
 * Ed25519 signature (docs/performance.md). The key is the one the ring
 * already holds; nothing else is read.
 */
export function syncSigner(signing: KeyRing['signing']): (input: Uint8Array) => Uint8Array {
  const { alg, signingKey } = signing
  if (signingKey instanceof Uint8Array) return (input) => createHmac('sha256', signingKey).update(input).digest()
  const key = KeyObject.from(signingKey)
  // JWS wants ES256 signatures as r || s (IEEE P1363), not DER.
  if (alg === 'ES256') return (input) => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })
  return (input) => sign(null, input, key)
}
