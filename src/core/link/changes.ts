import { seconds } from '../clock'
import { FuselinkError } from '../errors'
import { safeFilename } from '../http/disposition'
import { parseDuration } from '../http/duration'
import { type LinkChange, type LinkRecord, tokenOf } from '../model'

/** A link's lifetime in whole seconds from `expiresIn`, or the 400 that says why not. */
export function lifetimeSeconds(expiresIn: unknown, maxLinkTtl: number): number {
  const ttl = parseDuration(expiresIn)
  if (ttl === null) throw new FuselinkError('invalid_request', 'expiresIn: give seconds or a duration such as "90m", "24h" or "7d"')
  if (ttl > maxLinkTtl) throw new FuselinkError('invalid_request', `expiresIn: at most ${maxLinkTtl} seconds (MAX_LINK_TTL)`)
  return ttl
}

/** What an owner asks to change; an absent field stays as it is, a null filename or note is removed. */
export interface LinkChangeRequest {
  expiresIn?: unknown
  maxDownloads?: number | null
  filename?: string | null
  note?: string | null
}

/**
 * The rules of `PATCH /api/v1/links/:id` (docs/counting.md, "Changing a
 * link"). A link may always become stricter in place: an earlier expiry, a
 * lower limit (not below the downloads already counted). Its filename and
 * note may change, and its limit rise, since the database rules the limit.
 * A later expiry than its current token carries needs a new token, because
 * the database may narrow what a token grants but never widen it: the new
 * token has the next version, the later `exp` and the limit as changed; older
 * tokens keep their own expiry. `expiresIn` counts from `now`, in whole
 * seconds as a token carries them. The store applies the limit again under
 * its own guard, since downloads may be counted meanwhile.
 */
export function planLinkChange(
  link: LinkRecord,
  request: LinkChangeRequest,
  now: number,
  maxLinkTtl: number,
): { change: LinkChange; reissued: boolean } {
  const change: LinkChange = {}
  if (request.maxDownloads !== undefined) {
    if (request.maxDownloads !== null && request.maxDownloads < link.downloads) {
      throw new FuselinkError('invalid_request', `maxDownloads: at least the ${link.downloads} downloads already counted`)
    }
    change.maxDownloads = request.maxDownloads
  }
  if (request.filename !== undefined) change.filename = request.filename === null ? null : safeFilename(request.filename)
  if (request.note !== undefined) change.note = request.note

  let reissued = false
  if (request.expiresIn !== undefined) {
    const expiresAt = seconds(now) * 1000 + lifetimeSeconds(request.expiresIn, maxLinkTtl) * 1000
    if (link.notBefore !== null && link.notBefore >= expiresAt) {
      throw new FuselinkError('invalid_request', 'expiresIn: the link would expire before its notBefore')
    }
    change.expiresAt = expiresAt
    const current = tokenOf(link)
    if (expiresAt > current.expiresAt) {
      reissued = true
      change.token = {
        version: current.version + 1,
        issuedAt: seconds(now) * 1000,
        expiresAt,
        maxDownloads: change.maxDownloads === undefined ? link.maxDownloads : change.maxDownloads,
      }
    }
  }
  return { change, reissued }
}
