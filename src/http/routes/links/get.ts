import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { linkJson } from '../../present'
import { idParam } from '../../schemas/ids'
import { LinkWithAccessSchema } from '../../schemas/link'
import type { Services } from '../../services'
import { linkAccess, visibleLink } from './access'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/links/{id}',
  tags: ['Links'],
  summary: 'Get a link',
  description: "The link with live counters, its status, its token and URLs. Another owner's link answers 404.",
  security: BEARER,
  request: { params: idParam('link') },
  responses: {
    200: json(LinkWithAccessSchema, 'The link.'),
    ...problems([...API_KEY_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')
    const { link, file } = await visibleLink(services, principal, c.req.valid('param').id)
    const access = await linkAccess(services, link)
    return c.json(linkJson(link, file, services.clock.now(), access, await ownerFor(services, principal, link.ownerId)), 200)
  })
}
