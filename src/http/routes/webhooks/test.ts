import { createRoute } from '@hono/zod-openapi'
import { newId } from '../../../core/ids'
import { BEARER, CHANGE_PROBLEMS, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { deliveryJson } from '../../present'
import { idParam } from '../../schemas/ids'
import { DeliverySchema } from '../../schemas/webhook'
import type { Services } from '../../services'
import { visibleWebhook } from './visible'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/webhooks/{id}/test',
  tags: ['Webhooks'],
  summary: 'Send a test event',
  description:
    'Queues a `webhook.test` message (`data`: `{"webhookId"}`) and sends it at once, signed like every delivery. The answer is the queued message; follow it in the delivery log.',
  security: BEARER,
  request: { params: idParam('webhook') },
  responses: {
    202: json(DeliverySchema, 'Queued; being sent.'),
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const webhook = await visibleWebhook(services, c.get('principal'), c.req.valid('param').id)
    const at = services.clock.now()
    const id = `msg_${newId()}_${webhook.id}`
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date(at).toISOString(), data: { webhookId: webhook.id } })
    await services.webhooks.queueMessage({ id, webhookId: webhook.id, event: 'webhook.test', body, at })
    const queued = (await services.webhooks.getDelivery(id))!
    services.sendWebhooks(c)
    return c.json(deliveryJson(queued), 202)
  })
}
