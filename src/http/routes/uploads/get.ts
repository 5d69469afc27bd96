import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { uploadJson } from '../../present'
import { idParam } from '../../schemas/ids'
import { UploadSchema } from '../../schemas/upload'
import type { Services } from '../../services'
import { KEY_OR_REQUEST_TOKEN, visibleUpload } from './common'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/uploads/{id}',
  tags: ['Uploads'],
  summary: 'Get an upload',
  description:
    'The upload with the parts received so far: after a crash or a page reload, send only the others. A completed, aborted or removed upload answers 404.',
  security: KEY_OR_REQUEST_TOKEN,
  request: { params: idParam('upload') },
  responses: {
    200: json(UploadSchema, 'The upload.'),
    ...problems([...API_KEY_PROBLEMS, 'not_found', 'upload_expired', 'upload_request_closed']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const upload = await visibleUpload(services, c.get('principal'), c.req.valid('param').id)
    return c.json(uploadJson(upload, await services.state.receivedParts(upload.id)), 200)
  })
}
