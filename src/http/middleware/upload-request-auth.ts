import { FuselinkError } from '../../core/errors'
import type { Principal } from '../../core/model'
import { verifyUploadRequestToken } from '../../core/token/upload-request'
import type { Services } from '../services'

/**
 * Where an upload request's token is a bearer credential: the uploads in
 * parts and the one-request upload, and nowhere else (docs/api.md, "Upload
 * requests"). Every other /api/v1 route takes keys only.
 */
export function acceptsUploadRequestToken(method: string, path: string): boolean {
  return path === '/api/v1/uploads' || path.startsWith('/api/v1/uploads/') || (method === 'POST' && path === '/api/v1/files')
}

/**
 * The caller an upload request's token stands for: the request's owner, as
 * a `user`, on that request's uploads only. Null when the credential is no
 * such token or names no request; a request its owner closed answers 410.
 */
export async function uploadRequestPrincipal(services: Services, credential: string): Promise<Principal | null> {
  let requestId: string
  try {
    requestId = (await verifyUploadRequestToken(services.keys, credential)).jti
  } catch {
    return null
  }
  const request = await services.state.getUploadRequest(requestId)
  if (!request) return null
  if (request.revokedAt !== null)
    throw new FuselinkError('upload_request_closed', 'The owner of this upload link has closed it.', {
      extensions: { requestStatus: 'revoked' },
    })
  return { keyId: request.ownerId, role: 'user', uploadRequestId: request.id }
}
