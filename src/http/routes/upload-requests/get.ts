import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { uploadRequestJson } from '../../present'
import { idParam } from '../../schemas/ids'
import { UploadRequestWithAccessSchema } from '../../schemas/upload-request'
import type { Services } from '../../services'
import { uploadRequestAccess, visibleUploadRequest } from './access'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/upload-requests/{id}',
  tags: ['Upload requests'],
  summary: 'Get an upload request',
  description: "The request with live counters, its status, its token and page URL. Another owner's request answers 404.",
  security: BEARER,
  request: { params: idParam('upload request') },
  responses: {
    200: json(UploadRequestWithAccessSchema, 'The upload request.'),
    ...problems([...API_KEY_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const request = await visibleUploadRequest(services, c.get('principal'), c.req.valid('param').id)
    return c.json(uploadRequestJson(request, services.clock.now(), await uploadRequestAccess(services, request)), 200)
  })
}
