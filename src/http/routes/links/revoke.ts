import { createRoute } from '@hono/zod-openapi'
import { recordRevocations } from '../../events'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { visibleLink } from './access'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/links/{id}',
  tags: ['Links'],
  summary: 'Revoke a link',
  description:
    'From now on the link starts no download (410 `link_revoked`); a transfer already under way may finish. Revoking again answers 204 too.',
  security: BEARER,
  request: { params: idParam('link') },
  responses: {
    204: { description: 'Revoked.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { link } = await visibleLink(services, c.get('principal'), c.req.valid('param').id)
    await services.state.revokeLink(link.id, services.clock.now())
    recordRevocations(services, c, [link.id])
    return c.body(null, 204)
  })
}
