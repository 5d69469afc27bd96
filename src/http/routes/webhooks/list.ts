import { createRoute } from '@hono/zod-openapi'
import { listOwner } from '../../middleware/auth'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { webhookJson } from '../../present'
import { PageQuery } from '../../schemas/page'
import { WebhookPageSchema } from '../../schemas/webhook'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/webhooks',
  tags: ['Webhooks'],
  summary: 'List webhooks',
  description: "Newest first, without secrets. A `user` key sees its own webhooks; an `admin` key sees everyone's.",
  security: BEARER,
  request: { query: PageQuery },
  responses: {
    200: json(WebhookPageSchema, 'One page of webhooks.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    const principal = c.get('principal')
    const page = await services.webhooks.listWebhooks({ limit, cursor, ownerId: listOwner(principal) })
    return c.json({ items: page.items.map(webhookJson), nextCursor: page.nextCursor }, 200)
  })
}
