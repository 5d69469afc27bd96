import type { ErrorCode } from '../errors'
import type { FileRecord, LinkRecord, LinkStatus } from '../model'

/** At most this much is ever given back over a link's life, and at most one file size (docs/counting.md). */
export const GIVE_BACK_LIMIT = 16 * 1024 * 1024

export function giveBackCap(size: number): number {
  return Math.min(size, GIVE_BACK_LIMIT)
}

/** Whether every download the link allows has been counted; never for an unlimited link. */
export function isExhausted(link: Pick<LinkRecord, 'downloads' | 'maxDownloads'>): boolean {
  return link.maxDownloads !== null && link.downloads >= link.maxDownloads
}

/** Downloads left, or null for an unlimited link. */
export function remainingDownloads(link: Pick<LinkRecord, 'downloads' | 'maxDownloads'>): number | null {
  return link.maxDownloads === null ? null : Math.max(0, link.maxDownloads - link.downloads)
}

/** The link's state as the issuer API reports it. Revocation and deletion outrank time. */
export function linkStatus(link: LinkRecord, file: Pick<FileRecord, 'deletedAt'> | null, now: number): LinkStatus {
  if (link.revokedAt !== null) return 'revoked'
  if (!file || file.deletedAt !== null) return 'file_deleted'
  if (now >= link.expiresAt) return 'expired'
  if (isExhausted(link)) return 'exhausted'
  return 'active'
}

export type DownloadMode = 'fresh' | 'resume'

export type StartDecision = { ok: true; mode: DownloadMode } | { ok: false; code: ErrorCode }

/**
 * May a download request starting at byte `start` begin now? (docs/counting.md,
 * rules 2, 3 and 5.) A request from byte 0, or any request on a link nobody
 * has downloaded yet, is a fresh download and needs a download left; a later
 * start is a resume that only needs the link alive (or within the resume
 * grace after expiry) — its bytes are checked against the budget atomically
 * by the state store. The store repeats these guards in its statements; this
 * function is what names the reason for a refusal.
 */
export function decideStart(
  link: LinkRecord,
  file: Pick<FileRecord, 'deletedAt'>,
  start: number,
  now: number,
  resumeGrace: number,
): StartDecision {
  if (link.revokedAt !== null) return { ok: false, code: 'link_revoked' }
  if (file.deletedAt !== null) return { ok: false, code: 'file_gone' }
  if (start > 0 && link.downloads >= 1) {
    if (now >= link.expiresAt + resumeGrace) return { ok: false, code: 'link_expired' }
    return { ok: true, mode: 'resume' }
  }
  if (link.notBefore !== null && now < link.notBefore) return { ok: false, code: 'link_not_yet_valid' }
  if (now >= link.expiresAt) return { ok: false, code: 'link_expired' }
  if (isExhausted(link)) return { ok: false, code: 'download_limit_reached' }
  return { ok: true, mode: 'fresh' }
}
