import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { newId } from '../../../core/ids'
import type { UserRecord } from '../../../core/model'
import { hashPassword } from '../../../core/password'
import { inviteUrl } from '../../invites'
import { ADMIN_ONLY, BEARER, CHANGE_PROBLEMS, json, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { userJson } from '../../present'
import { CreatedUserSchema, CreateUserBody } from '../../schemas/account'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags: ['Accounts'],
  summary: 'Create a user',
  description:
    'With a `password`, the user can sign in at once. Without one, the answer carries `inviteUrl`: a single-use page, valid `INVITE_TTL` seconds (7 days), where the user chooses a password. A username already taken, in any case, answers 409 `conflict`. On a Worker, this is how the first admin is made with `ADMIN_API_KEY`.',
  security: BEARER,
  ...ADMIN_ONLY,
  request: { body: jsonBody(CreateUserBody) },
  responses: {
    201: json(CreatedUserSchema, 'The new user, with an invite link when no password was given.'),
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'conflict', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const user: UserRecord = {
      id: newId(),
      username: body.username,
      role: body.role,
      passwordHash: body.password === undefined ? null : await hashPassword(body.password),
      createdAt: services.clock.now(),
      disabledAt: null,
    }
    if (!(await services.state.insertUser(user))) throw new FuselinkError('conflict', `The username "${body.username}" is taken.`)
    const invite = user.passwordHash === null ? { inviteUrl: await inviteUrl(services, user.id, c.req.url) } : {}
    return c.json({ ...userJson(user), ...invite }, 201)
  })
}
