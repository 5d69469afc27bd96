import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { seconds } from '../../core/clock'
import { newId } from '../../core/ids'
import type { UserRecord } from '../../core/model'
import { isExpired, signServiceToken, verifyServiceToken } from '../../core/token/service-tokens'
import { publicOrigin } from '../public-origin'
import type { Services } from '../services'
import type { Authenticator } from './chain'

export const SESSION_COOKIE = 'fuselink_session'

/** Cookies over https only, when the service is reached over https. */
export function secureCookies(c: Context, services: Services): boolean {
  return publicOrigin(services, c.req.url).startsWith('https:')
}

/**
 * Signs a user in: a session row (so that it can be ended at once), its
 * token (a JWT of its own type, its jti the row's id) in an HttpOnly,
 * SameSite=Lax cookie. Returns when it expires.
 */
export async function startSession(c: Context, services: Services, user: UserRecord): Promise<number> {
  const now = services.clock.now()
  const iat = seconds(now)
  const exp = iat + services.config.sessionTtl
  const id = newId()
  await services.state.insertSession({ id, userId: user.id, createdAt: now, expiresAt: exp * 1000, revokedAt: null })
  const token = await signServiceToken(services.keys, 'session', { jti: id, sub: user.id, iat, exp })
  setCookie(c, SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(c, services),
    maxAge: services.config.sessionTtl,
  })
  return exp * 1000
}

/** Tells the browser to forget the session cookie (the session itself is ended in the database). */
export function clearSessionCookie(c: Context, services: Services): void {
  setCookie(c, SESSION_COOKIE, '', { path: '/', httpOnly: true, sameSite: 'Lax', secure: secureCookies(c, services), maxAge: 0 })
}

/**
 * The session cookie. Its token must be a session token signed by the
 * service (a download token never is), and its row must still be live:
 * signing out, signing out everywhere and disabling the user end it at once.
 */
export const sessionCookieAuthenticator: Authenticator = {
  async authenticate(c, services) {
    const token = getCookie(c, SESSION_COOKIE)
    if (!token) return null
    const claims = await verifyServiceToken(services.keys, 'session', token).catch(() => null)
    const now = services.clock.now()
    if (!claims || isExpired(claims, now)) return null
    const found = await services.state.findActiveSession(claims.jti, now)
    if (!found || found.user.id !== claims.sub) return null
    const { user, session } = found
    return { principal: { kind: 'user', id: user.id, name: user.username, role: user.role, sessionId: session.id }, ambient: true }
  },
}
