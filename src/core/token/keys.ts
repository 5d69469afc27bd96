import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { sha256Hex, utf8 } from '../encoding'
import { ConfigError } from '../errors'

export type TokenAlgorithm = 'EdDSA' | 'ES256' | 'HS256'

/** A key that can check a token's signature; `key` is a CryptoKey or an HMAC secret. */
export interface VerifyKey {
  kid: string
  alg: TokenAlgorithm
  key: CryptoKey | Uint8Array
  /** The private half (or the secret), present on the signing key only. */
  signingKey?: CryptoKey | Uint8Array
  /** The public half, published at /.well-known/jwks.json; absent for HMAC secrets. */
  publicJwk?: JWK
  /**
   * The same key as a synchronous check of a signature over a JWS signing
   * input, where the runtime has one (Node: node:crypto,
   * src/adapters/token-signer.ts); otherwise jose verifies through WebCrypto,
   * on Node a hop to the thread pool per token (docs/performance.md).
   */
  verifySignature?: (input: Uint8Array, signature: Uint8Array) => boolean
}

export interface KeyRing {
  /** Signs every new token. */
  signing: VerifyKey & {
    signingKey: CryptoKey | Uint8Array
    /**
     * The same key as a synchronous signer of a JWS signing input, where the
     * runtime has one (Node: node:crypto, src/adapters/token-signer.ts):
     * WebCrypto signs asynchronously, on Node a hop to the thread pool that
     * costs more than the signature itself (docs/performance.md).
     */
    sign?: (input: Uint8Array) => Uint8Array
  }
  /** Every key that may verify a token, the signing key included, by `kid`. */
  verify: ReadonlyMap<string, VerifyKey>
  algorithms: TokenAlgorithm[]
}

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
const MIN_SECRET_BYTES = 32

function algorithmOf(jwk: JWK, setting: string): TokenAlgorithm {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256'
  if (jwk.kty === 'oct') return 'HS256'
  throw new ConfigError(setting, `unsupported key type ${jwk.kty}/${jwk.crv ?? '-'}: use Ed25519 (OKP), P-256 (EC) or oct`)
}

function publicPart(jwk: JWK, alg: TokenAlgorithm, kid: string): JWK {
  const { kty, crv, x, y } = jwk
  return { kty, crv, x, ...(y ? { y } : {}), kid, alg, use: 'sig' }
}

async function importOne(jwk: JWK, setting: string, wantPrivate: boolean): Promise<VerifyKey> {
  const alg = algorithmOf(jwk, setting)
  if (typeof jwk.kid !== 'string' || !KID_PATTERN.test(jwk.kid)) {
    throw new ConfigError(setting, 'every key needs a "kid" of 1 to 64 characters [A-Za-z0-9._-]')
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new ConfigError(setting, `key ${jwk.kid} says alg ${jwk.alg} but is a ${alg} key`)
  }
  if (wantPrivate && alg !== 'HS256' && typeof jwk.d !== 'string') {
    throw new ConfigError(setting, 'the signing key must be a private JWK (with "d")')
  }
  let key
  try {
    key = await importJWK(alg === 'HS256' ? jwk : publicPart(jwk, alg, jwk.kid), alg)
  } catch (cause) {
    throw new ConfigError(setting, `key ${jwk.kid} cannot be imported (${(cause as Error).message})`)
  }
  if (key instanceof Uint8Array) {
    // The same floor as a TOKEN_SIGNING_KEY secret: a short HMAC key can be recovered from one token.
    if (key.length < MIN_SECRET_BYTES)
      throw new ConfigError(setting, `oct key ${jwk.kid}: an HS256 secret needs at least ${MIN_SECRET_BYTES} bytes`)
    return { kid: jwk.kid, alg, key, ...(wantPrivate ? { signingKey: key } : {}) }
  }
  try {
    const signingKey = wantPrivate ? ((await importJWK({ ...jwk, alg }, alg)) as CryptoKey) : undefined
    return { kid: jwk.kid, alg, key, publicJwk: publicPart(jwk, alg, jwk.kid), ...(signingKey ? { signingKey } : {}) }
  } catch (cause) {
    throw new ConfigError(setting, `key ${jwk.kid} cannot be imported (${(cause as Error).message})`)
  }
}

function parseJson(value: string, setting: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    throw new ConfigError(setting, 'is not valid JSON')
  }
}

/**
 * TOKEN_SIGNING_KEY: a private JWK when the value starts with "{", otherwise
 * an HS256 secret of at least 32 UTF-8 bytes whose kid is derived from it.
 */
export async function importSigningKey(value: string, setting = 'TOKEN_SIGNING_KEY'): Promise<KeyRing['signing']> {
  if (value.trimStart().startsWith('{')) {
    const key = await importOne(parseJson(value, setting) as JWK, setting, true)
    if (!key.signingKey) throw new ConfigError(setting, 'the signing key must be a private JWK')
    return { ...key, signingKey: key.signingKey }
  }
  const secret = utf8(value)
  if (secret.length < MIN_SECRET_BYTES) {
    throw new ConfigError(setting, `an HS256 secret needs at least ${MIN_SECRET_BYTES} bytes`)
  }
  return { kid: await hmacKid(value), alg: 'HS256', key: secret, signingKey: secret }
}

/** A short, stable id for an HMAC secret that reveals nothing useful about it. */
export async function hmacKid(secret: string): Promise<string> {
  return (await sha256Hex(`fuselink kid\n${secret}`)).slice(0, 4)
}

/** TOKEN_VERIFY_KEYS: a JWKS of earlier keys still accepted during a rotation. */
export async function importVerifyKeys(value: string, setting = 'TOKEN_VERIFY_KEYS'): Promise<VerifyKey[]> {
  const parsed = parseJson(value, setting) as { keys?: unknown }
  if (!parsed || !Array.isArray(parsed.keys)) throw new ConfigError(setting, 'must be a JWKS: {"keys": [...]}')
  return Promise.all(parsed.keys.map((jwk) => importOne(jwk as JWK, setting, false)))
}

/** The same key material: a key listed twice (the signing key's public half in the JWKS, say) is one key. */
function sameKey(a: VerifyKey, b: VerifyKey): boolean {
  const [x, y] = [a.key, b.key]
  if (x instanceof Uint8Array && y instanceof Uint8Array) return x.length === y.length && x.every((byte, i) => byte === y[i])
  return a.alg === b.alg && a.publicJwk !== undefined && a.publicJwk.x === b.publicJwk?.x && a.publicJwk.y === b.publicJwk?.y
}

/**
 * The ring of the signing key and the earlier keys. Two different keys under
 * one `kid` are refused: a token names its key by kid, and one would
 * silently replace the other.
 */
export function createKeyRing(signing: KeyRing['signing'], previous: VerifyKey[] = [], setting = 'TOKEN_VERIFY_KEYS'): KeyRing {
  const verify = new Map<string, VerifyKey>([[signing.kid, signing]])
  for (const key of previous) {
    const known = verify.get(key.kid)
    if (known && !sameKey(known, key)) throw new ConfigError(setting, `two different keys share kid ${key.kid}: give each key its own kid`)
    if (!known) verify.set(key.kid, key)
  }
  const algorithms = [...new Set([...verify.values()].map((k) => k.alg))]
  return { signing, verify, algorithms }
}

/**
 * The ring every entry serves with: the signing key (TOKEN_SIGNING_KEY's
 * value, or Node's generated key file, named by `signingSource` in errors)
 * and the earlier keys of TOKEN_VERIFY_KEYS, when set.
 */
export async function buildKeyRing(signingKey: string, verifyKeys: string | null, signingSource = 'TOKEN_SIGNING_KEY'): Promise<KeyRing> {
  const signing = await importSigningKey(signingKey, signingSource)
  return createKeyRing(signing, verifyKeys === null ? [] : await importVerifyKeys(verifyKeys))
}

/** The public keys of the ring, as served at /.well-known/jwks.json. */
export function publicJwks(ring: KeyRing): { keys: JWK[] } {
  return { keys: [...ring.verify.values()].flatMap((k) => (k.publicJwk ? [k.publicJwk] : [])) }
}

/**
 * A fresh private JWK: Ed25519 (the embedded default on Node) or P-256. Its
 * kid is short because it rides in every link.
 */
export async function generateSigningJwk(alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) })
  const jwk = await exportJWK(privateKey)
  const kid = (await calculateJwkThumbprint(jwk)).slice(0, 4)
  return { ...jwk, kid, alg }
}
