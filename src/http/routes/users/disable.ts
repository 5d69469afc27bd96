import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { ADMIN_ONLY, BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/users/{id}',
  tags: ['Accounts'],
  summary: 'Disable a user',
  description:
    'The user can no longer sign in; its sessions end and its API keys stop, at once. Its files and links stay as they are. Disabling again answers 204 too; an unknown id answers 404.',
  security: BEARER,
  ...ADMIN_ONLY,
  request: { params: idParam('user') },
  responses: {
    204: { description: 'Disabled.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const found = await services.state.disableUser(c.req.valid('param').id, services.clock.now())
    if (!found) throw new FuselinkError('not_found', 'No such user.')
    return c.body(null, 204)
  })
}
