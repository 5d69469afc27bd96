import { base64url, fromBase64url, randomBytes, timingSafeEqual, utf8 } from './encoding'

// Account and link passwords, hashed alike (docs/accounts.md, "Password hashing").

/** Bounds of every password the service accepts (docs/api.md: 10 to 1024 characters). */
export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 1024

export interface KdfParameters {
  /** PBKDF2 calls chained one after the other; each one's output is the next one's password. */
  rounds: number
  /** PBKDF2-HMAC-SHA256 iterations of each call. */
  iterations: number
}

/**
 * 600,000 iterations of PBKDF2-HMAC-SHA256 in all (OWASP's figure for it),
 * as 6 chained calls of 100,000: Cloudflare's runtime refuses a single
 * WebCrypto PBKDF2 call above 100,000 iterations, and chaining costs a
 * guesser the same 600,000 HMACs per guess, each call needing the last.
 */
export const KDF: KdfParameters = { rounds: 6, iterations: 100_000 }

const ALGORITHM = 'pbkdf2-sha256'
const SALT_BYTES = 16
const HASH_BITS = 256
// What a stored hash may ask for: a damaged or planted row cannot make a
// sign-in burn unbounded CPU, nor ask workerd for what it refuses.
const MAX_ROUNDS = 64
const MAX_ITERATIONS = 100_000
const STORED = /^pbkdf2-sha256\$r=(\d{1,2}),i=(\d{1,6})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/

async function pbkdf2(password: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits'])
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS))
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, params: KdfParameters): Promise<string> {
  // NFC: the same password typed on two systems gives the same bytes.
  let material = utf8(password.normalize('NFC'))
  for (let round = 0; round < params.rounds; round++) {
    // Each round's salt names its position, so rounds cannot be swapped or skipped.
    const roundSalt = new Uint8Array(salt.length + 1)
    roundSalt.set(salt)
    roundSalt[salt.length] = round
    material = await pbkdf2(material, roundSalt, params.iterations)
  }
  return base64url(material)
}

/** `pbkdf2-sha256$r=<rounds>,i=<iterations>$<salt>$<hash>`: the algorithm, its cost and salt are stored with the hash. */
export async function hashPassword(password: string, params: KdfParameters = KDF): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  return `${ALGORITHM}$r=${params.rounds},i=${params.iterations}$${base64url(salt)}$${await derive(password, salt, params)}`
}

/**
 * Whether `password` matches `stored`, compared in constant time. A stored
 * value this service could not have written never matches, and costs nothing.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored)
  if (!match) return false
  const rounds = Number(match[1])
  const iterations = Number(match[2])
  if (rounds < 1 || rounds > MAX_ROUNDS || iterations < 1 || iterations > MAX_ITERATIONS) return false
  const derived = await derive(password, fromBase64url(match[3]!), { rounds, iterations })
  return timingSafeEqual(derived, match[4]!)
}

// A hash of a password nobody knows, made once per process: checking against
// it costs what checking a real account costs.
let decoy: Promise<string> | undefined

/**
 * Spends the time of one verification and answers false: for a username
 * that does not exist or cannot sign in, so that the answer's timing does
 * not tell it from a wrong password.
 */
export async function verifyNothing(password: string): Promise<false> {
  decoy ??= hashPassword(base64url(randomBytes(16)))
  await verifyPassword(password, await decoy)
  return false
}

/** The parameters a stored hash was made with, or null when it is not one of ours. */
export function kdfParameters(stored: string): KdfParameters | null {
  const match = STORED.exec(stored)
  return match ? { rounds: Number(match[1]), iterations: Number(match[2]) } : null
}
