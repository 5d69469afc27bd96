import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { recordRevocations } from '../../events'
import { keyManager } from '../../middleware/auth'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
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
    "The key stops working at once; with `?revokeLinks=true` every link it issued is revoked as well (410 `link_revoked`), in the same step, and each gets a `revoked` event, as if revoked one by one. Disabling it again answers 204 too. An admin disables any key; a user only its own (another owner's key, or an unknown id: 404). A `user` key that belongs to no user cannot manage keys (403).",
  security: BEARER,
  request: { params: idParam('key'), query: DisableKeyQuery },
  responses: {
    204: { description: 'Disabled.' },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const owner = keyManager(c.get('principal'))
    const { id } = c.req.valid('param')
    const { revokeLinks } = c.req.valid('query')
    const key = owner === null ? null : await services.state.getKey(id)
    if (owner !== null && key?.owner?.id !== owner) throw new FuselinkError('not_found', 'No such key.')
    const disabled = await services.state.disableKey(id, services.clock.now(), { revokeLinks })
    if (!disabled) throw new FuselinkError('not_found', 'No such key.')
    recordRevocations(services, c, disabled.revokedLinks)
    return c.body(null, 204)
  })
}
