import { createRoute } from '@hono/zod-openapi'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { visibleWebhook } from './visible'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/webhooks/{id}',
  tags: ['Webhooks'],
  summary: 'Remove a webhook',
  description: 'No delivery goes to it from now on; messages still queued for it are dropped with its delivery log.',
  security: BEARER,
  request: { params: idParam('webhook') },
  responses: {
    204: { description: 'Removed.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const webhook = await visibleWebhook(services, c.get('principal'), c.req.valid('param').id)
    await services.webhooks.deleteWebhook(webhook.id)
    return c.body(null, 204)
  })
}
