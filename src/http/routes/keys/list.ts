import { createRoute } from '@hono/zod-openapi'
import { keyManager } from '../../middleware/auth'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { keyJson } from '../../present'
import { KeyPageSchema } from '../../schemas/key'
import { PageQuery } from '../../schemas/page'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/keys',
  tags: ['Keys'],
  summary: 'List API keys',
  description:
    'Newest first, without secrets, disabled ones included. An admin sees every key; a user sees its own. A `user` key that belongs to no user cannot manage keys (403).',
  security: BEARER,
  request: { query: PageQuery },
  responses: {
    200: json(KeyPageSchema, 'One page of keys.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'forbidden']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const owner = keyManager(c.get('principal'))
    const page = await services.state.listKeys({ ...c.req.valid('query'), ownerId: owner ?? undefined })
    return c.json({ items: page.items.map(keyJson), nextCursor: page.nextCursor }, 200)
  })
}
