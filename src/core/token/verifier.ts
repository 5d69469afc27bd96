import type { LinkClaims } from './claims'
import type { KeyRing } from './keys'
import { verifyLinkToken } from './verify'

/**
 * Remembers tokens whose signature already checked out. A signature check
 * (~125 µs for EdDSA) is the largest fixed cost of a download; a recipient's
 * page view, HEAD and GET, and every resume, carry the same token. Only
 * verified tokens are kept, keyed by their exact text, so a tampered token is
 * always a miss. Bounded, oldest first out.
 */
export class TokenVerifier {
  readonly #ring: KeyRing
  readonly #cache = new Map<string, LinkClaims>()
  readonly #capacity: number

  constructor(ring: KeyRing, capacity = 10_000) {
    this.#ring = ring
    this.#capacity = capacity
  }

  async verify(token: string): Promise<LinkClaims> {
    const hit = this.#cache.get(token)
    if (hit) return hit
    const claims = await verifyLinkToken(this.#ring, token)
    if (this.#cache.size >= this.#capacity) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(token, claims)
    return claims
  }
}
