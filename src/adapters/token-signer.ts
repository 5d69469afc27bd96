import { createHmac, KeyObject, sign, timingSafeEqual, verify } from 'node:crypto'
import type { KeyRing, VerifyKey } from '../core/token/keys'

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

// The length of every signature of the key's algorithm: anything else is refused unread.
const SIGNATURE_LENGTH = { EdDSA: 64, ES256: 64, HS256: 32 } as const

/**
 * A key of the ring as a synchronous check of a signature over a JWS signing
 * input, for the same reason as `syncSigner`. The algorithm is the key's,
 * never the token's; ES256 signatures are taken as r || s only (a DER
 * signature is refused, as jose refuses it); an HMAC is compared in constant time.
 */
export function syncVerifier(key: VerifyKey): (input: Uint8Array, signature: Uint8Array) => boolean {
  const length = SIGNATURE_LENGTH[key.alg]
  const material = key.key
  let check: (input: Uint8Array, signature: Uint8Array) => boolean
  if (material instanceof Uint8Array) {
    check = (input, signature) => timingSafeEqual(createHmac('sha256', material).update(input).digest(), signature)
  } else {
    const publicKey = KeyObject.from(material)
    check =
      key.alg === 'ES256'
        ? (input, signature) => verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
        : (input, signature) => verify(null, input, publicKey, signature)
  }
  return (input, signature) => signature.byteLength === length && check(input, signature)
}

/** The ring with node:crypto's synchronous signer and signature checks (what the Node entry serves with). */
export function withSyncCrypto(ring: KeyRing): KeyRing {
  const signing = { ...ring.signing, sign: syncSigner(ring.signing), verifySignature: syncVerifier(ring.signing) }
  const verifyKeys = new Map(
    [...ring.verify].map(([kid, key]) => [kid, key === ring.signing ? signing : { ...key, verifySignature: syncVerifier(key) }]),
  )
  return { ...ring, signing, verify: verifyKeys }
}
