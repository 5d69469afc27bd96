import type { Context } from 'hono'
import { timingSafeEqual } from '../../core/encoding'
import type { Principal } from '../../core/model'
import { bearerCredential } from './bearer'
import type { Authenticator } from './chain'

export const BOOTSTRAP_KEY_ID = 'admin'
/** What `GET /api/v1/me` and owners call the bootstrap key. */
export const BOOTSTRAP_KEY_NAME = 'ADMIN_API_KEY'

/** The bearer credential of the request, if it has one. */
export function bearerToken(c: Context): string | null {
  return bearerCredential(c.req.header('authorization'))
}

/**
 * API keys. Only hashes are stored; a presented key is hashed and looked up
 * by hash, and the bootstrap key's hash is compared in constant time. A key
 * stops with its user: a disabled user's keys are refused.
 */
export const apiKeyAuthenticator: Authenticator = {
  async authenticate(c, services) {
    const token = bearerToken(c)
    if (token === null) return null
    const hash = services.hashSecret(token)
    let principal: Principal | null = null
    if (timingSafeEqual(hash, services.adminKeyHash)) {
      principal = { kind: 'api_key', id: BOOTSTRAP_KEY_ID, name: BOOTSTRAP_KEY_NAME, role: 'admin', userId: null }
    } else {
      const key = await services.state.findKeyByHash(hash)
      const userId = key?.owner?.kind === 'user' ? key.owner.id : null
      if (key && key.disabledAt === null && (userId === null || key.ownerDisabledAt === null)) {
        principal = { kind: 'api_key', id: key.id, name: key.name, role: key.role, userId }
      }
    }
    return principal ? { principal, ambient: false } : null
  },
}
