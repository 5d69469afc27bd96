import { createRoute } from '@hono/zod-openapi'
import { ADMIN_ONLY, API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { userJson } from '../../present'
import { UserPageSchema } from '../../schemas/account'
import { PageQuery } from '../../schemas/page'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/users',
  tags: ['Accounts'],
  summary: 'List users',
  description: 'Every user, newest first, disabled ones included.',
  security: BEARER,
  ...ADMIN_ONLY,
  request: { query: PageQuery },
  responses: {
    200: json(UserPageSchema, 'One page of users.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'forbidden']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const page = await services.state.listUsers(c.req.valid('query'))
    return c.json({ items: page.items.map(userJson), nextCursor: page.nextCursor }, 200)
  })
}
