import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { isPreviewer } from '../../../core/http/previewers'
import { verifyUploadRequestToken } from '../../../core/token/upload-request'
import { uploadRequestRoom, uploadRequestStatus } from '../../../core/upload/request'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { uploadPage } from '../../views/upload-page'
import { refuseRequestUpload } from '../uploads/request-room'
import { limited, TOKEN_PARAM } from './common'

export const route = createRoute({
  method: 'get',
  path: '/u/{token}',
  tags: ['Recipients'],
  summary: 'The page of an upload request',
  description:
    'An HTML page for the people you asked for files: your message, what the request still takes, and an uploader that sends each file in parts with progress (and resumes after a reload). A request that takes no more files answers 410 `upload_request_closed` with a page that says why (expired, closed, full). Link previewers get the page without your message. Programs that do not ask for `text/html` get problem+json.',
  security: [],
  parameters: [
    { ...TOKEN_PARAM, description: 'The signed token of the upload request. A token that does not verify answers 403 `invalid_token`.' },
  ],
  responses: {
    200: { description: 'The upload page.', content: { 'text/html': { schema: { type: 'string' } } } },
    ...problems(['invalid_token', 'upload_request_closed', 'rate_limited'], { html: true }),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const claims = await limited(services, c, () => verifyUploadRequestToken(services.keys, c.req.param('token')))
    const request = await services.state.getUploadRequest(claims.jti)
    if (!request) throw new FuselinkError('invalid_token', 'This upload link names nothing.')
    const now = services.clock.now()
    const room = uploadRequestRoom(request)
    // Uploads under way may hold every place left; while the request is open
    // the page stays, so that a sender who reloaded can resume theirs.
    const underWay = request.heldFiles - request.files
    if (uploadRequestStatus(request, now) !== 'open' || underWay === 0) {
      const refused = refuseRequestUpload(request, 0, now)
      if (refused) throw refused
      if (room.bytes < 1) {
        throw new FuselinkError('upload_request_closed', 'This upload request takes no more bytes.', {
          extensions: { requestStatus: 'full' },
        })
      }
    }
    const body = await uploadPage({
      message: isPreviewer(c.req.header('user-agent')) ? null : request.message,
      filesLeft: room.files,
      bytesLeft: room.bytes,
      maxFileBytes: Math.min(room.bytes, services.config.maxUploadBytes),
      expiresAt: request.expiresAt,
      now,
    })
    return c.html(body, 200, { 'Cache-Control': 'private, no-store' })
  })
}
