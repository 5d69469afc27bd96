import type { Context } from 'hono'
import { FuselinkError } from '../../../core/errors'
import type { UploadRecord, UploadRequestRecord } from '../../../core/model'
import { uploadRequestRoom, uploadRequestStatus } from '../../../core/upload/request'
import type { Services } from '../../services'

/** What an upload request answers to a new file of `size` bytes, or null if it has room for it. */
export function refuseRequestUpload(request: UploadRequestRecord, size: number, now: number): FuselinkError | null {
  const status = uploadRequestStatus(request, now)
  if (status !== 'open') {
    const why = { expired: 'has expired', revoked: 'was closed by its owner', full: 'is full' }[status]
    return new FuselinkError('upload_request_closed', `This upload request ${why}.`, { extensions: { requestStatus: status } })
  }
  const room = uploadRequestRoom(request)
  if (room.files < 1) {
    return new FuselinkError('upload_request_closed', 'This upload request takes no more files.', { extensions: { requestStatus: 'full' } })
  }
  if (size > room.bytes) {
    return new FuselinkError('payload_too_large', `This upload request takes ${room.bytes} more bytes at most.`)
  }
  return null
}

/**
 * Before anything is stored for a file through an upload request: the
 * request must be open with room for it, and the caller's address within
 * UPLOAD_REQUEST_RATE. The same check is repeated atomically when the file
 * takes its place (UploadStore.startUpload); this one answers early and says why.
 */
export async function requestOpenFor(services: Services, c: Context, requestId: string, size: number): Promise<UploadRequestRecord> {
  const request = await services.state.getUploadRequest(requestId)
  if (!request) throw new FuselinkError('upload_request_closed')
  const refused = refuseRequestUpload(request, size, services.clock.now())
  if (refused) throw refused
  if (services.uploadLimiter.count(services.clientAddress(c)))
    throw new FuselinkError('rate_limited', 'Too many uploads from your network; wait a minute.')
  return request
}

/** Why UploadStore.startUpload refused: the request (closed, full, no room for this size), or too many uploads in flight. */
export async function startRefusal(services: Services, upload: UploadRecord): Promise<FuselinkError> {
  if (upload.requestId !== null) {
    const request = await services.state.getUploadRequest(upload.requestId)
    if (!request) return new FuselinkError('upload_request_closed')
    const refused = refuseRequestUpload(request, upload.size, services.clock.now())
    if (refused) return refused
  }
  return new FuselinkError(
    'conflict',
    `At most ${services.config.maxUploadsInFlight} unfinished uploads at once (MAX_UPLOADS_IN_FLIGHT): complete or abort one first.`,
  )
}
