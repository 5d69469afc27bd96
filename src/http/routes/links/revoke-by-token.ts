import { createRoute } from '@hono/zod-openapi'
import { recordRevocations } from '../../events'
import { BEARER, CHANGE_PROBLEMS, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { RevokeBody } from '../../schemas/link'
import type { Services } from '../../services'
import { visibleLink } from './access'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/links/revoke',
  tags: ['Links'],
  summary: 'Revoke a link by its token',
  description:
    "For when you hold the URL but not the link's id. The token must verify (403 `invalid_token` otherwise) and name a link the caller may see.",
  security: BEARER,
  request: { body: jsonBody(RevokeBody) },
  responses: {
    204: { description: 'Revoked.' },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'invalid_token', 'not_found', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const claims = await services.verifier.verify(c.req.valid('json').token)
    const target = await visibleLink(services, c.get('principal'), claims.jti)
    await services.state.revokeLink(target.link.id, services.clock.now())
    recordRevocations(services, c, [target.link.id])
    return c.body(null, 204)
  })
}
