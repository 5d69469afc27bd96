import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { SignJWT } from 'jose'
import { seconds } from '../../core/clock'
import { base64url, randomBytes, utf8 } from '../../core/encoding'
import { SERVICE_TOKEN_TYPES } from '../../core/token/service-tokens'
import { verifyTypedToken } from '../../core/token/verify'
import { secureCookies } from '../auth/session-cookie'
import type { Services } from '../services'

/*
 * A browser's sign-in at the provider, between leaving for it and coming
 * back (docs/sso.md): the `state`, `nonce` and PKCE verifier live in a
 * short-lived cookie the service signs (a type of its own), HttpOnly, sent
 * only to the callback's path. A cookie, not memory: the Worker's next
 * request may reach another isolate. It also ties the callback to the
 * browser that started it.
 */

export const SSO_COOKIE = 'fuselink_sso'
export const SSO_PATH = '/sign-in/sso'
const LIFETIME_S = 600
const FIELD = /^[A-Za-z0-9_-]{43}$/

export interface LoginState {
  state: string
  nonce: string
  verifier: string
}

const fresh = () => base64url(randomBytes(32))

/** The S256 code challenge of a PKCE verifier (RFC 7636 §4.2). */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(verifier))))
}

/** Starts a sign-in: new state, nonce and verifier, kept in the cookie. */
export async function beginLogin(c: Context, services: Services): Promise<LoginState> {
  const login = { state: fresh(), nonce: fresh(), verifier: fresh() }
  const { signing } = services.keys
  const iat = seconds(services.clock.now())
  const token = await new SignJWT({ ...login })
    .setProtectedHeader({ alg: signing.alg, typ: SERVICE_TOKEN_TYPES.sso, kid: signing.kid })
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_S)
    .sign(signing.signingKey)
  setCookie(c, SSO_COOKIE, token, {
    path: SSO_PATH,
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(c, services),
    maxAge: LIFETIME_S,
  })
  return login
}

/** Ends the sign-in under way, whatever comes of it: its cookie goes, and its state is the caller's last use of it. */
export async function takeLogin(c: Context, services: Services): Promise<LoginState | null> {
  const token = getCookie(c, SSO_COOKIE)
  deleteCookie(c, SSO_COOKIE, { path: SSO_PATH, httpOnly: true, sameSite: 'Lax', secure: secureCookies(c, services) })
  if (!token) return null
  const claims = (await verifyTypedToken(services.keys, token, SERVICE_TOKEN_TYPES.sso).catch(() => null)) as Record<string, unknown> | null
  if (!claims || typeof claims.exp !== 'number' || services.clock.now() >= claims.exp * 1000) return null
  const { state, nonce, verifier } = claims
  const valid = [state, nonce, verifier].every((field) => typeof field === 'string' && FIELD.test(field))
  return valid ? { state: state as string, nonce: nonce as string, verifier: verifier as string } : null
}
