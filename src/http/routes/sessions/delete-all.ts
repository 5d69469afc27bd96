import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { userOf } from '../../../core/model'
import { clearSessionCookie } from '../../auth/session-cookie'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/sessions',
  tags: ['Accounts'],
  summary: 'Sign out everywhere',
  description:
    "Ends every session of the caller's user, this one included, at once. With a key of a user, that user's sessions end; a key that belongs to no user has none (404). API keys keep working.",
  security: BEARER,
  responses: {
    204: { description: 'Every session ended; the answer clears the cookie.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const userId = userOf(c.get('principal'))
    if (userId === null) throw new FuselinkError('not_found', 'This key belongs to no user, so there are no sessions to end.')
    await services.state.revokeSessions(userId, services.clock.now())
    clearSessionCookie(c, services)
    return c.body(null, 204)
  })
}
