import type { UploadRequestRecord, UploadRequestStatus } from '../model'

/** An upload request's status at `now`: revoked, then expired, then full, wins over the next. */
export function uploadRequestStatus(request: UploadRequestRecord, now: number): UploadRequestStatus {
  if (request.revokedAt !== null) return 'revoked'
  if (now >= request.expiresAt) return 'expired'
  if (request.files >= request.maxFiles || request.bytes >= request.maxBytes) return 'full'
  return 'open'
}

/** What is left for new uploads: slots and bytes not held by received files or uploads in flight. */
export function uploadRequestRoom(request: UploadRequestRecord): { files: number; bytes: number } {
  return {
    files: Math.max(0, request.maxFiles - request.heldFiles),
    bytes: Math.max(0, request.maxBytes - request.heldBytes),
  }
}
