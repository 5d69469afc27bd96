import type { Context } from 'hono'
import { FuselinkError } from '../../core/errors'
import { verifyUploadRequestToken } from '../../core/token/upload-request'
import { bearerToken } from './api-key'
import type { Authenticator } from './chain'

/**
 * Where an upload request's token is a bearer credential: the uploads in
 * parts and the one-request upload, and nowhere else (docs/api.md, "Upload
 * requests"). Every other /api/v1 route takes keys and sessions only.
 */
export function acceptsUploadRequestToken(method: string, path: string): boolean {
  return path === '/api/v1/uploads' || path.startsWith('/api/v1/uploads/') || (method === 'POST' && path === '/api/v1/files')
}

const accepts = (c: Context) => acceptsUploadRequestToken(c.req.method, c.req.path)

/**
 * An upload request's token, on the routes above only: the caller acts for
 * the request's owner, as a `user`, on that request's uploads only. Null
 * when the bearer is no such token or names no request; a request its owner
 * closed answers 410. It is a bearer, never ambient: no CSRF check applies.
 */
export const uploadRequestTokenAuthenticator: Authenticator = {
  async authenticate(c, services) {
    const token = bearerToken(c)
    if (token === null || !accepts(c)) return null
    const claims = await verifyUploadRequestToken(services.keys, token).catch(() => null)
    if (!claims) return null
    const request = await services.state.getUploadRequest(claims.jti)
    if (!request) return null
    if (request.revokedAt !== null)
      throw new FuselinkError('upload_request_closed', 'The owner of this upload link has closed it.', {
        extensions: { requestStatus: 'revoked' },
      })
    return {
      principal: { kind: 'upload_request', id: request.id, name: 'upload request', role: 'user', ownerId: request.ownerId },
      ambient: false,
    }
  },
}
