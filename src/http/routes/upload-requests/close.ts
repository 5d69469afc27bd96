import { createRoute } from '@hono/zod-openapi'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { visibleUploadRequest } from './access'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/upload-requests/{id}',
  tags: ['Upload requests'],
  summary: 'Close an upload request',
  description:
    'At once: its page answers 410, its token stops working, and uploads still under way through it are refused (410 `upload_request_closed`) and removed by the sweep. Files already received stay yours. Closing again answers 204 too.',
  security: BEARER,
  request: { params: idParam('upload request') },
  responses: {
    204: { description: 'Closed.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const request = await visibleUploadRequest(services, c.get('principal'), c.req.valid('param').id)
    await services.state.revokeUploadRequest(request.id, services.clock.now())
    return c.body(null, 204)
  })
}
