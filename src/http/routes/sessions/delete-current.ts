import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { clearSessionCookie } from '../../auth/session-cookie'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/sessions/current',
  tags: ['Accounts'],
  summary: 'Sign out',
  description:
    'Ends the session this request was made with: its cookie stops working at once, on every runtime and isolate. A request made with an API key has no session to end (404).',
  security: BEARER,
  responses: {
    204: { description: 'Signed out; the answer clears the cookie.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')
    if (principal.kind !== 'user' || principal.sessionId === null) {
      throw new FuselinkError('not_found', 'This request was not made with a session.')
    }
    await services.state.revokeSession(principal.sessionId, services.clock.now())
    clearSessionCookie(c, services)
    return c.body(null, 204)
  })
}
