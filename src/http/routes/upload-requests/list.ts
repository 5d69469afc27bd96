import { createRoute } from '@hono/zod-openapi'
import { listOwner } from '../../middleware/auth'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { uploadRequestJson } from '../../present'
import { PageQuery } from '../../schemas/page'
import { UploadRequestPageSchema } from '../../schemas/upload-request'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/upload-requests',
  tags: ['Upload requests'],
  summary: 'List upload requests',
  description: 'Newest first, with live counters, without tokens. A `user` key sees its own; an `admin` key sees all.',
  security: BEARER,
  request: { query: PageQuery },
  responses: {
    200: json(UploadRequestPageSchema, 'One page of upload requests.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    const principal = c.get('principal')
    const page = await services.state.listUploadRequests({
      limit,
      cursor,
      ownerId: listOwner(principal),
    })
    const now = services.clock.now()
    return c.json({ items: page.items.map((request) => uploadRequestJson(request, now)), nextCursor: page.nextCursor }, 200)
  })
}
