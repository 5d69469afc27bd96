import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { eventJson } from '../../present'
import { EventPageSchema } from '../../schemas/event'
import { idParam } from '../../schemas/ids'
import { PageQuery } from '../../schemas/page'
import type { Services } from '../../services'
import { visibleLink } from './access'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/links/{id}/events',
  tags: ['Links'],
  summary: "A link's events",
  description:
    'What happened to the link, newest first: `page_viewed`, `download_started`, `resumed`, `download_completed` and `download_cut` (with `bytes`), `refused` (with the problem `code`), `revoked`, `exhausted`. Events are recorded after the answer that caused them, so one may appear a moment later; they are kept `EVENT_RETENTION` days.',
  security: BEARER,
  request: { params: idParam('link'), query: PageQuery },
  responses: {
    200: json(EventPageSchema, 'One page of events.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { link } = await visibleLink(services, c.get('principal'), c.req.valid('param').id)
    const { limit, cursor } = c.req.valid('query')
    const page = await services.events.listEvents(link.id, { limit, cursor })
    return c.json({ items: page.items.map(eventJson), nextCursor: page.nextCursor }, 200)
  })
}
