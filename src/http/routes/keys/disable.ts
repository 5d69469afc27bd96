import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { ADMIN_ONLY, API_KEY_PROBLEMS, BEARER, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import { DisableKeyQuery } from '../../schemas/key'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/keys/{id}',
  tags: ['Keys'],
  summary: 'Disable an API key',
  description:
    'The key stops working at once; with `?revokeLinks=true` every link it issued is revoked as well (410 `link_revoked`). Disabling it again answers 204 too; an unknown id answers 404.',
  security: BEARER,
  ...ADMIN_ONLY,
  request: { params: idParam('key'), query: DisableKeyQuery },
  responses: {
    204: { description: 'Disabled.' },
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'forbidden', 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { revokeLinks } = c.req.valid('query')
    const found = await services.state.disableKey(c.req.valid('param').id, services.clock.now(), { revokeLinks })
    if (!found) throw new FuselinkError('not_found', 'No such key.')
    return c.body(null, 204)
  })
}
