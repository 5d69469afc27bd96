import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose'

/*
 * The API-gateway case (docs/integrations.md, "Checking tokens offline"): a
 * separate service that decides whether a fuselink download token is
 * genuine with nothing but fuselink's GET /.well-known/jwks.json, never
 * calling the issuer API. It can know what the token says (which link and
 * file, the limit it was issued with, the expiry) and that fuselink signed
 * it; it cannot know the counts, a revocation or a notBefore, which live in
 * fuselink's database. With `?live=1` it also asks fuselink for the link's
 * current state with HEAD /d/<token>, which never consumes a download.
 *
 *   GET /check/<token>[?live=1]
 *   200 {"allow": true, "linkId", "fileId", "maxDownloads", "expiresAt", "kid"}
 *   403 {"allow": false, "reason", "status"?}
 */

export interface GatewayOptions {
  /** fuselink's base URL: the JWKS and, for live checks, /d/<token> are there. */
  fuselinkUrl: string
  /** How long fetched keys are trusted before the set is fetched again (jose's default: 10 minutes). */
  cacheMaxAge?: number
  /** The least time between two fetches of the set, e.g. for an unknown kid (jose's default: 30 s). */
  cooldownDuration?: number
}

export interface Gateway {
  url: string
  /** Times the gateway fetched fuselink's JWKS. */
  jwksFetches(): number
  close(): Promise<void>
}

export type Decision =
  | { allow: true; linkId: string; fileId: string; maxDownloads: number; expiresAt: string; kid: string }
  | { allow: false; reason: string; status?: number }

const TOKEN_TYPE = 'fuselink+jwt'
const MAX_TOKEN_LENGTH = 1024

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired'
  if (error instanceof errors.JWTClaimValidationFailed) return error.claim === 'typ' ? 'wrong_type' : `bad_claim_${error.claim}`
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_key'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed'
  return 'malformed'
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  let fetches = 0
  const jwksUrl = new URL('/.well-known/jwks.json', options.fuselinkUrl)
  const keys = createRemoteJWKSet(jwksUrl, {
    cacheMaxAge: options.cacheMaxAge,
    cooldownDuration: options.cooldownDuration,
    // Counts the set's fetches, to show when the gateway goes back to fuselink.
    [customFetch]: (url, init) => {
      fetches++
      return fetch(url, init)
    },
  })

  async function decide(token: string, live: boolean): Promise<Decision> {
    if (token.length > MAX_TOKEN_LENGTH) return { allow: false, reason: 'oversized' }
    let verified: Awaited<ReturnType<typeof jwtVerify>>
    try {
      // Only fuselink's token type and its asymmetric algorithms: the JWKS holds no HS256 secret.
      verified = await jwtVerify(token, keys, { typ: TOKEN_TYPE, algorithms: ['EdDSA', 'ES256'], requiredClaims: ['jti', 'iat', 'exp'] })
    } catch (error) {
      return { allow: false, reason: reasonOf(error) }
    }
    const { jti, fid, max, exp } = verified.payload as { jti: string; fid?: unknown; max?: unknown; exp: number }
    if (typeof fid !== 'string' || !Number.isSafeInteger(max) || (max as number) < 1) return { allow: false, reason: 'malformed' }
    if (live) {
      // What only fuselink knows: revocation, counts, notBefore, a deleted file.
      const state = await fetch(new URL(`/d/${token}`, options.fuselinkUrl), { method: 'HEAD' })
      if (!state.ok) return { allow: false, reason: 'link_state', status: state.status }
    }
    return {
      allow: true,
      linkId: jti,
      fileId: fid,
      maxDownloads: max as number,
      expiresAt: new Date(exp * 1000).toISOString(),
      kid: String(verified.protectedHeader.kid),
    }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://gateway')
    const match = /^\/check\/([^/]+)$/.exec(url.pathname)
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (request.method !== 'GET' || !match) return answer(404, { error: 'GET /check/<token>' })
    decide(decodeURIComponent(match[1]!), url.searchParams.get('live') === '1').then(
      (decision) => answer(decision.allow ? 200 : 403, decision),
      (error: unknown) => answer(502, { error: String(error) }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    jwksFetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
