import { createMiddleware } from 'hono/factory'
import { sha256Hex, timingSafeEqual } from '../../core/encoding'
import { FuselinkError } from '../../core/errors'
import type { Principal } from '../../core/model'
import type { AppEnv, Services } from '../services'

export const BOOTSTRAP_KEY_ID = 'admin'
/** How the bootstrap key is named where an owner is shown: the setting it comes from. */
export const BOOTSTRAP_KEY_NAME = 'ADMIN_API_KEY'

/**
 * Bearer API keys. Only hashes are stored; a presented key is hashed and
 * looked up by hash, and the bootstrap key's hash is compared in constant
 * time. Failures count against the caller's address.
 */
export function requireKey(services: Services) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = /^Bearer +([\x21-\x7e]{1,256})$/.exec(c.req.header('authorization') ?? '')
    let principal: Principal | null = null
    if (match) {
      const hash = await sha256Hex(match[1]!)
      if (timingSafeEqual(hash, services.adminKeyHash)) {
        principal = { keyId: BOOTSTRAP_KEY_ID, role: 'admin' }
      } else {
        const key = await services.state.findKeyByHash(hash)
        if (key && key.disabledAt === null) principal = { keyId: key.id, role: key.role }
      }
    }
    if (!principal) {
      if (services.limiter.fail(services.clientAddress(c))) throw new FuselinkError('rate_limited')
      throw new FuselinkError('unauthorized', 'A valid API key is required: Authorization: Bearer <key>.')
    }
    c.set('principal', principal)
    await next()
  })
}

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('principal').role !== 'admin') throw new FuselinkError('forbidden', 'This needs an admin key.')
  await next()
})

/** Whether the caller may see a resource owned by `ownerId`; others get 404, not 403. */
export function canSee(principal: Principal, ownerId: string): boolean {
  return principal.role === 'admin' || principal.keyId === ownerId
}
