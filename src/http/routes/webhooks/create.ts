import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { newId } from '../../../core/ids'
import { ownerOf } from '../../../core/model'
import { checkReceiver, receiverUrlProblem } from '../../../core/webhooks/receivers'
import { newWebhookSecret } from '../../../core/webhooks/signature'
import { BEARER, CHANGE_PROBLEMS, json, jsonBody, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { webhookJson } from '../../present'
import { CreatedWebhookSchema, CreateWebhookBody } from '../../schemas/webhook'
import type { Services } from '../../services'

/** Webhooks one owner may have. */
export const MAX_WEBHOOKS_PER_OWNER = 20

export const route = createRoute({
  method: 'post',
  path: '/api/v1/webhooks',
  tags: ['Webhooks'],
  summary: 'Subscribe a webhook',
  description:
    "Deliveries of the caller's events go to `url`, signed per the Standard Webhooks specification with the secret in this answer, which is shown only here. The URL's host must resolve only to addresses `WEBHOOK_ALLOWED_HOSTS` allows (public ones by default): it is checked now (400) and again before every delivery. At most 20 webhooks per owner.",
  security: BEARER,
  request: { body: jsonBody(CreateWebhookBody) },
  responses: {
    201: { ...json(CreatedWebhookSchema, 'The webhook, with its signing secret.'), headers: LOCATION },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { url, events } = c.req.valid('json')
    const ownerId = ownerOf(c.get('principal'))
    const problem = receiverUrlProblem(url)
    if (problem) throw new FuselinkError('invalid_request', `url: ${problem}`)
    const check = await checkReceiver(new URL(url), services.config.webhookAllowedHosts, (host) => services.webhookTransport.resolve(host))
    if (!check.ok) throw new FuselinkError('invalid_request', `url: ${check.reason}`)
    if ((await services.webhooks.countWebhooks(ownerId)) >= MAX_WEBHOOKS_PER_OWNER) {
      throw new FuselinkError('invalid_request', `at most ${MAX_WEBHOOKS_PER_OWNER} webhooks per owner: delete one first`)
    }
    const webhook = { id: newId(), ownerId, url, events, secret: newWebhookSecret(), createdAt: services.clock.now() }
    await services.webhooks.insertWebhook(webhook)
    // The only time the secret is ever shown.
    return c.json({ ...webhookJson(webhook), secret: webhook.secret }, 201, {
      Location: `/api/v1/webhooks/${webhook.id}`,
      'Cache-Control': 'no-store',
    })
  })
}
