import { timingSafeEqual } from '../../core/encoding'
import type { Identity } from '../../core/identity'
import type { LoginState } from './login-state'
import { codeChallenge } from './login-state'
import { fetchProviderJson, type OidcProvider, ProviderUnavailable, TokenRefused } from './provider'

/*
 * The OpenID Connect authorization code flow with PKCE (S256), the few
 * lines of OAuth it takes with jose doing the token checks (docs/sso.md,
 * "Signing in people").
 */

/** Why a sign-in through the provider ended without a session; each has one sentence on the sign-in page. */
export type SsoFailure = 'denied' | 'expired' | 'refused' | 'unavailable' | 'disabled'

export class SsoFailed extends Error {
  override readonly name = 'SsoFailed'
  constructor(
    readonly reason: SsoFailure,
    detail: string,
  ) {
    super(detail)
  }
}

/** Where the browser is sent to sign in at the provider. */
export async function authorizationUrl(provider: OidcProvider, clientId: string, redirectUri: string, login: LoginState): Promise<string> {
  const metadata = await provider.discover()
  if (!metadata.authorizationEndpoint) throw new ProviderUnavailable('the discovery document has no authorization_endpoint')
  const url = new URL(metadata.authorizationEndpoint)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state: login.state,
    nonce: login.nonce,
    code_challenge: await codeChallenge(login.verifier),
    code_challenge_method: 'S256',
  }).toString()
  return url.toString()
}

/**
 * Exchanges the code for tokens, authenticating as the client the way the
 * provider says it takes (client_secret_basic unless only _post is
 * offered), and checks the ID token: signature against the provider's
 * JWKS with an algorithm its metadata names, issuer, audience (and `azp`
 * when there are several), times and the nonce of this sign-in.
 */
export async function identityFromCode(
  provider: OidcProvider,
  client: { id: string; secret: string },
  redirectUri: string,
  login: LoginState,
  code: string,
): Promise<Identity> {
  const metadata = await provider.discover()
  if (!metadata.tokenEndpoint) throw new ProviderUnavailable('the discovery document has no token_endpoint')
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: login.verifier })
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
  if (metadata.tokenAuthMethods.includes('client_secret_basic') || !metadata.tokenAuthMethods.includes('client_secret_post')) {
    // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
    const part = (value: string) => encodeURIComponent(value).replaceAll('%20', '+')
    headers.authorization = `Basic ${btoa(`${part(client.id)}:${part(client.secret)}`)}`
  } else {
    form.set('client_id', client.id)
    form.set('client_secret', client.secret)
  }
  const { status, body } = await fetchProviderJson(metadata.tokenEndpoint, { method: 'POST', headers, body: form.toString() })
  const idToken = (body as { id_token?: unknown }).id_token
  if (status >= 500) throw new ProviderUnavailable(`the token endpoint answered ${status}`)
  if (status !== 200 || typeof idToken !== 'string') throw new SsoFailed('refused', `the token endpoint answered ${status}`)

  const algorithms = metadata.idTokenAlgorithms.length > 0 ? metadata.idTokenAlgorithms : ['RS256']
  let claims: Awaited<ReturnType<OidcProvider['verify']>>
  try {
    claims = await provider.verify(idToken, client.id, algorithms)
  } catch (error) {
    if (error instanceof TokenRefused) throw new SsoFailed('refused', `the ID token was refused: ${error.message}`)
    throw error
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (audiences.length > 1 && claims.azp !== client.id) throw new SsoFailed('refused', 'the ID token is for another party (azp)')
  if (typeof claims.nonce !== 'string' || !timingSafeEqual(claims.nonce, login.nonce)) {
    throw new SsoFailed('refused', 'the ID token is not of this sign-in (nonce)')
  }
  return { issuer: provider.settings.issuer, subject: claims.sub!, claims }
}
