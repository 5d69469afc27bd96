import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { hashPassword } from '../../../core/password'
import { requireUserOf } from '../../middleware/auth'
import { BEARER, CHANGE_PROBLEMS, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { checkPassword } from '../../passwords'
import { ChangePasswordBody } from '../../schemas/account'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/me/password',
  tags: ['Accounts'],
  summary: 'Change my password',
  description:
    'Needs the password now (`current`; wrong: 403 `wrong_password`, counted as a failed sign-in). Every other session of the user ends; the one making the change stays signed in. A key that belongs to no user has no password (403 `forbidden`).',
  security: BEARER,
  request: { body: jsonBody(ChangePasswordBody) },
  responses: {
    204: { description: 'Changed.' },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'wrong_password', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')
    const userId = requireUserOf(principal, 'This key belongs to no user: it has no password.')
    const body = c.req.valid('json')
    const user = await services.state.getUser(userId)
    if (!user) throw new FuselinkError('forbidden', 'This user no longer exists.')
    const right = await checkPassword(services, c, {
      scope: 'sign_in',
      subject: user.username.toLowerCase(),
      stored: user.passwordHash,
      password: body.current,
    })
    if (!right) throw new FuselinkError('wrong_password', 'The current password is not right.')
    await services.state.setPassword(user.id, await hashPassword(body.new))
    const keep = principal.kind === 'user' ? (principal.sessionId ?? undefined) : undefined
    await services.state.revokeSessions(user.id, services.clock.now(), keep)
    return c.body(null, 204)
  })
}
