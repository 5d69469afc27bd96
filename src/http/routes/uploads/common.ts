import { FuselinkError } from '../../../core/errors'
import type { Principal, UploadRecord } from '../../../core/model'
import { StorageFullError } from '../../../core/ports'
import { canSeeUpload } from '../../middleware/auth'
import { BEARER } from '../../openapi/parts'
import type { Services } from '../../services'

/** The routes' own security: a key, a session, or the token of an upload request (docs/api.md, "Upload requests"). */
export const KEY_OR_REQUEST_TOKEN: Record<string, string[]>[] = [...BEARER, { uploadRequestToken: [] }]

/**
 * An upload the caller may act on, or why not: 404 when there is none for
 * them (completed, aborted, swept, or someone else's), 410 when its time ran
 * out or the request it came through was closed.
 */
export async function visibleUpload(services: Services, principal: Principal, id: string): Promise<UploadRecord> {
  const upload = await services.state.getUpload(id)
  // A one-request upload holding its place (no handle) is not an upload in parts.
  if (!upload || upload.handle === null || !canSeeUpload(principal, upload)) throw new FuselinkError('not_found', 'No such upload.')
  if (services.clock.now() >= upload.expiresAt) {
    throw new FuselinkError('upload_expired', 'This upload ran out of time; its parts are being removed. Start again.')
  }
  if (upload.requestId !== null) {
    const request = await services.state.getUploadRequest(upload.requestId)
    if (!request || request.revokedAt !== null)
      throw new FuselinkError('upload_request_closed', 'The upload request was closed.', { extensions: { requestStatus: 'revoked' } })
  }
  return upload
}

/** A storage failure as the API answers it: 507 when storage is full, else 503. */
export function storageFailure(error: unknown, detail: string): FuselinkError {
  if (error instanceof FuselinkError) return error
  if (error instanceof StorageFullError)
    return new FuselinkError('insufficient_storage', 'Storage is full; nothing was kept.', { cause: error })
  return new FuselinkError('storage_unavailable', detail, { cause: error })
}
