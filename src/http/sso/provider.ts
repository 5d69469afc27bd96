import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose'
import type { OidcSettings } from '../../core/config'
import { FuselinkError } from '../../core/errors'

/*
 * The trusted OpenID provider as fuselink sees it (docs/sso.md): its
 * discovery document, fetched on first need and kept, and its JWKS through
 * jose's remote key set (cached, refetched at most every 30 s when a token
 * names a key it does not hold, each fetch bounded in time). Everything
 * goes through fetch, so it runs the same on Node and on Workers; each
 * isolate keeps its own copy, which is only a cache.
 */

/** The parts of the discovery document fuselink uses. */
export interface ProviderMetadata {
  issuer: string
  jwksUri: string
  authorizationEndpoint: string | null
  tokenEndpoint: string | null
  tokenAuthMethods: readonly string[]
  idTokenAlgorithms: readonly string[]
}

/** Signature algorithms fuselink accepts from a provider: asymmetric ones only (never `none`, never HS*). */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

const FETCH_TIMEOUT_MS = 5000
const MAX_DOCUMENT_BYTES = 64 * 1024
/** How long a fetched discovery document is kept. */
const METADATA_TTL_MS = 60 * 60 * 1000
/** After a failed discovery, requests fail at once for this long instead of each waiting on a provider that is down. */
const FAILURE_COOLDOWN_MS = 5000
/** Seconds of clock difference with the provider tolerated on `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_S = 30

/** The provider could not be reached, or answered nonsense: a token from it cannot be checked now. */
export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable'
}

/** The token is not one of the provider's valid tokens for this use. */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused'
}

/** A JSON document from the provider, bounded in time and size. */
export async function fetchProviderJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  let response: Response
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
  } catch (cause) {
    throw new ProviderUnavailable(`${new URL(url).origin} could not be reached`, { cause })
  }
  const text = await response.text()
  if (text.length > MAX_DOCUMENT_BYTES) throw new ProviderUnavailable('the provider answered a document too large to be one of its own')
  try {
    return { status: response.status, body: JSON.parse(text) }
  } catch {
    throw new ProviderUnavailable(`the provider answered ${response.status} without JSON`)
  }
}

const stringOr = <T>(value: unknown, fallback: T): string | T => (typeof value === 'string' && value !== '' ? value : fallback)
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

function parseMetadata(body: unknown, issuer: string): ProviderMetadata {
  if (typeof body !== 'object' || body === null) throw new ProviderUnavailable('the discovery document is not a JSON object')
  const doc = body as Record<string, unknown>
  // OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer it was fetched for.
  if (doc.issuer !== issuer) throw new ProviderUnavailable('the discovery document names another issuer than OIDC_ISSUER')
  const jwksUri = stringOr(doc.jwks_uri, null)
  if (jwksUri === null) throw new ProviderUnavailable('the discovery document has no jwks_uri')
  return {
    issuer,
    jwksUri,
    authorizationEndpoint: stringOr(doc.authorization_endpoint, null),
    tokenEndpoint: stringOr(doc.token_endpoint, null),
    // RFC 8414 §2: client_secret_basic when the provider lists none.
    tokenAuthMethods:
      doc.token_endpoint_auth_methods_supported === undefined
        ? ['client_secret_basic']
        : strings(doc.token_endpoint_auth_methods_supported),
    idTokenAlgorithms: strings(doc.id_token_signing_alg_values_supported),
  }
}

/** Errors of jose that say the token is bad, as opposed to the key set being out of reach. */
const REFUSALS = [
  errors.JWTClaimValidationFailed,
  errors.JWTExpired,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JWKInvalid,
]

export class OidcProvider {
  private metadata: { value: Promise<ProviderMetadata>; until: number } | null = null
  private keySet: { uri: string; get: ReturnType<typeof createRemoteJWKSet> } | null = null

  constructor(
    readonly settings: OidcSettings,
    private readonly now: () => number,
  ) {}

  /** The discovery document, fetched once and kept for an hour; a failure is kept only for a few seconds. */
  discover(): Promise<ProviderMetadata> {
    const now = this.now()
    if (this.metadata && now < this.metadata.until) return this.metadata.value
    const url = `${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
    const value = fetchProviderJson(url).then(({ status, body }) => {
      if (status !== 200) throw new ProviderUnavailable(`the discovery document answered ${status}`)
      return parseMetadata(body, this.settings.issuer)
    })
    const entry = { value, until: now + METADATA_TTL_MS }
    this.metadata = entry
    value.catch(() => {
      if (this.metadata === entry) entry.until = this.now() + FAILURE_COOLDOWN_MS
    })
    return value
  }

  /**
   * The claims of `token` once its signature (a key of the provider's JWKS,
   * an asymmetric algorithm among `algorithms`), issuer, audience and times
   * are checked. Throws TokenRefused or ProviderUnavailable.
   */
  async verify(token: string, audience: string, algorithms: readonly string[] = ASYMMETRIC_ALGORITHMS): Promise<JWTPayload> {
    const metadata = await this.discover()
    if (this.keySet?.uri !== metadata.jwksUri) {
      this.keySet = { uri: metadata.jwksUri, get: createRemoteJWKSet(new URL(metadata.jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS }) }
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keySet.get, {
        issuer: this.settings.issuer,
        audience,
        algorithms: algorithms.filter((alg) => ASYMMETRIC_ALGORITHMS.includes(alg)),
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(this.now()),
        requiredClaims: ['sub', 'exp'],
      })
      // fuselink's own tokens are of their own types and never carry this issuer; refused by name all the same.
      if (typeof protectedHeader.typ === 'string' && protectedHeader.typ.toLowerCase().startsWith('fuselink')) {
        throw new TokenRefused('a fuselink token is not a token of the provider')
      }
      if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255)
        throw new TokenRefused('the token has no usable sub')
      return payload
    } catch (error) {
      if (error instanceof TokenRefused) throw error
      if (REFUSALS.some((kind) => error instanceof kind)) throw new TokenRefused((error as Error).message)
      throw new ProviderUnavailable("the provider's keys could not be fetched", { cause: error })
    }
  }
}

/** The answer for a bearer that cannot be checked because the provider is out of reach (docs/sso.md). */
export function providerUnavailableError(): FuselinkError {
  return new FuselinkError('unauthorized', 'The identity provider could not be reached to check this token; try again shortly.')
}
