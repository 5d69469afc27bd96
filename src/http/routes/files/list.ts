import { createRoute } from '@hono/zod-openapi'
import { listOwner } from '../../middleware/auth'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownersFor } from '../../owners'
import { fileJson } from '../../present'
import { FileListQuery, FilePageSchema } from '../../schemas/file'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/files',
  tags: ['Files'],
  summary: 'List files',
  description:
    "Newest first. A `user` key sees its own files; an `admin` key sees all, each with its `owner`, or one owner's with `?owner=`. Deleted files are not listed.",
  security: BEARER,
  request: { query: FileListQuery },
  responses: {
    200: json(FilePageSchema, 'One page of files.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'forbidden']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { limit, cursor, owner } = c.req.valid('query')
    const principal = c.get('principal')
    const page = await services.state.listFiles({ limit, cursor, ownerId: listOwner(principal, owner) })
    const owners = await ownersFor(
      services,
      principal,
      page.items.map((file) => file.ownerId),
    )
    return c.json({ items: page.items.map((file) => fileJson(file, owners.get(file.ownerId))), nextCursor: page.nextCursor }, 200)
  })
}
