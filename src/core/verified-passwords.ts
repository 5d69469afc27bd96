import { base64url, randomBytes, utf8 } from './encoding'
import { verifyPassword } from './password'

/**
 * Remembers passwords that were right for a subject (a link), so that a
 * download manager's many connections and resumes, each carrying the
 * password, pay for the slow hash once. Only right ones are kept, as an
 * HMAC under a key made per process (never the password, nor a fast hash of
 * it alone); a miss is always a full verification. Bounded, oldest first out.
 */
export class VerifiedPasswords {
  readonly #seen = new Set<string>()
  readonly #capacity: number
  #key: Promise<CryptoKey> | undefined

  constructor(capacity = 10_000) {
    this.#capacity = capacity
  }

  async #tag(subject: string, password: string): Promise<string> {
    this.#key ??= crypto.subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await this.#key, utf8(`${subject}\n${password}`))))
  }

  /** Whether `password` was found right for `subject` before. */
  async known(subject: string, password: string): Promise<boolean> {
    return this.#seen.has(await this.#tag(subject, password))
  }

  /** Verifies against `stored` and remembers a right password. */
  async verify(subject: string, password: string, stored: string): Promise<boolean> {
    const right = await verifyPassword(password, stored)
    if (right) {
      if (this.#seen.size >= this.#capacity) {
        const oldest = this.#seen.values().next().value
        if (oldest !== undefined) this.#seen.delete(oldest)
      }
      this.#seen.add(await this.#tag(subject, password))
    }
    return right
  }
}
