import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { MeSchema } from '../../schemas/account'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/me',
  tags: ['Accounts'],
  summary: 'Who is calling',
  description:
    'The signed-in user (`kind` `user`, `name` its username) or the API key (`kind` `api_key`, `name` the key’s name), and its role.',
  security: BEARER,
  responses: {
    200: json(MeSchema, 'The caller.'),
    ...problems(API_KEY_PROBLEMS),
  },
})

export function register(app: RouteApp, _services: Services) {
  app.openapi(route, (c) => {
    const { kind, id, name, role } = c.get('principal')
    return c.json({ kind, id, name, role }, 200)
  })
}
