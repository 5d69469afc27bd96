import { createMiddleware } from 'hono/factory'
import { FuselinkError } from '../../core/errors'
import { ownerOf, type Principal, userOf } from '../../core/model'
import type { AppEnv } from '../services'

// What a principal may do, once authenticated (src/http/auth/ says who it is).

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('principal').role !== 'admin') throw new FuselinkError('forbidden', 'This needs an admin.')
  await next()
})

/** Whether the caller may see a resource owned by `ownerId`; others get 404, not 403. */
export function canSee(principal: Principal, ownerId: string): boolean {
  return principal.role === 'admin' || ownerOf(principal) === ownerId
}

/**
 * The owner a list is narrowed to: `?owner=` for admins (anyone's id, or none
 * for everyone's), the caller itself for everyone else, who may name only
 * itself (docs/api.md, "Owners").
 */
export function listOwner(principal: Principal, requested?: string): string | undefined {
  if (principal.role === 'admin') return requested
  const own = ownerOf(principal)
  if (requested !== undefined && requested !== own) {
    throw new FuselinkError('forbidden', 'owner: only admins may list what another owner has.')
  }
  return own
}

/** The user the caller is or acts for; 403 for a key that belongs to no user. */
export function requireUserOf(principal: Principal, detail: string): string {
  const userId = userOf(principal)
  if (userId === null) throw new FuselinkError('forbidden', detail)
  return userId
}

/**
 * Who may manage keys, and whose: an admin every key (null), a user its own
 * (its id). A `user` key that belongs to no user manages none: 403, as
 * before accounts existed.
 */
export function keyManager(principal: Principal): string | null {
  if (principal.role === 'admin') return null
  return requireUserOf(principal, 'This needs an admin, or a user managing its own keys.')
}

/** Whether the caller may see an upload: its owner, or the token of the request it came through. */
export function canSeeUpload(principal: Principal, upload: { ownerId: string; requestId: string | null }): boolean {
  if (principal.kind === 'upload_request') return upload.requestId === principal.id
  return canSee(principal, upload.ownerId)
}
