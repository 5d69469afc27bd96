import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { deliveryJson } from '../../present'
import { idParam } from '../../schemas/ids'
import { PageQuery } from '../../schemas/page'
import { DeliveryPageSchema } from '../../schemas/webhook'
import type { Services } from '../../services'
import { visibleWebhook } from './visible'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/webhooks/{id}/deliveries',
  tags: ['Webhooks'],
  summary: "A webhook's deliveries",
  description:
    'Recent messages to this webhook, newest first: event, status (`pending`, `delivered`, `failed`), attempts, the last answer and error. Finished ones are kept `EVENT_RETENTION` days.',
  security: BEARER,
  request: { params: idParam('webhook'), query: PageQuery },
  responses: {
    200: json(DeliveryPageSchema, 'One page of deliveries.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const webhook = await visibleWebhook(services, c.get('principal'), c.req.valid('param').id)
    const { limit, cursor } = c.req.valid('query')
    const page = await services.webhooks.listDeliveries(webhook.id, { limit, cursor })
    return c.json({ items: page.items.map(deliveryJson), nextCursor: page.nextCursor }, 200)
  })
}
