import { seconds } from '../../../core/clock'
import { FuselinkError } from '../../../core/errors'
import type { Principal, UploadRequestRecord } from '../../../core/model'
import { signUploadRequestToken } from '../../../core/token/upload-request'
import { canSee } from '../../middleware/auth'
import type { Services } from '../../services'

/** A request's token, signed again from its stored claims, and its page's URL. */
export async function uploadRequestAccess(services: Services, request: UploadRequestRecord) {
  const token = await signUploadRequestToken(services.keys, {
    jti: request.id,
    iat: seconds(request.createdAt),
    exp: seconds(request.expiresAt),
  })
  return { token, url: `${services.config.publicUrl}/u/${token}` }
}

/** An upload request the caller may see, or 404 for anything else. */
export async function visibleUploadRequest(services: Services, principal: Principal, id: string): Promise<UploadRequestRecord> {
  const request = await services.state.getUploadRequest(id)
  if (!request || !canSee(principal, request.ownerId)) throw new FuselinkError('not_found', 'No such upload request.')
  return request
}
