import { createRoute } from '@hono/zod-openapi'
import { listOwner } from '../../middleware/auth'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { fileJson } from '../../present'
import { FilePageSchema } from '../../schemas/file'
import { PageQuery } from '../../schemas/page'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/files',
  tags: ['Files'],
  summary: 'List files',
  description: 'Newest first. A `user` key sees its own files; an `admin` key sees all. Deleted files are not listed.',
  security: BEARER,
  request: { query: PageQuery },
  responses: {
    200: json(FilePageSchema, 'One page of files.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    const principal = c.get('principal')
    const page = await services.state.listFiles({
      limit,
      cursor,
      ownerId: listOwner(principal),
    })
    return c.json({ items: page.items.map(fileJson), nextCursor: page.nextCursor }, 200)
  })
}
