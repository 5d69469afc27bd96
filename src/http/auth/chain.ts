import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { FuselinkError } from '../../core/errors'
import type { Principal } from '../../core/model'
import type { AppEnv, Services } from '../services'
import { isSameOrigin } from './same-origin'

/** Who a credential says the caller is. */
export interface Authenticated {
  principal: Principal
  /** Sent by the browser by itself (a cookie): changes must then be same-origin (CSRF). */
  ambient: boolean
}

/**
 * One kind of credential. Null when the request carries none of its kind,
 * or one it does not accept, so that the next authenticator may try.
 */
export interface Authenticator {
  authenticate(c: Context, services: Services): Promise<Authenticated | null>
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

/**
 * The /api/v1 authentication: the first authenticator that accepts the
 * request names the principal. With none, 401 (the failure counts against
 * the caller's address). A change authenticated by a cookie must come from
 * this service's own pages, else 403 forbidden.
 */
export function authenticate(services: Services, authenticators: readonly Authenticator[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    let found: Authenticated | null = null
    for (const authenticator of authenticators) {
      found = await authenticator.authenticate(c, services)
      if (found) break
    }
    if (!found) {
      if (services.limiter.fail(services.clientAddress(c))) throw new FuselinkError('rate_limited')
      throw new FuselinkError('unauthorized', 'A valid API key (Authorization: Bearer <key>) or a signed-in session is required.')
    }
    if (found.ambient && !SAFE_METHODS.has(c.req.method) && !isSameOrigin(c, services)) {
      throw new FuselinkError('forbidden', 'A change made with the session cookie must come from this service’s own pages (Origin).')
    }
    c.set('principal', found.principal)
    await next()
  })
}
