import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { isBrowserCrossSite } from '../../auth/same-origin'
import { startSession } from '../../auth/session-cookie'
import { json, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { checkPassword } from '../../passwords'
import { userJson } from '../../present'
import { SessionSchema, SignInBody } from '../../schemas/account'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/sessions',
  tags: ['Accounts'],
  summary: 'Sign in',
  description:
    'Checks the username and password and sets the session cookie `fuselink_session` (HttpOnly, SameSite=Lax, Path=/, Secure when `PUBLIC_URL` is https), which then works on every `/api/v1` route. A wrong password, an unknown username and a disabled user all answer the same 401. More than 10 failures on one username within 15 minutes, or more than 30 from one address, answer 429 with `Retry-After` to the addresses that failed; the right password from another address still works. A browser must send it from this service’s own pages (`Origin` or `Sec-Fetch-Site`).',
  security: [],
  request: { body: jsonBody(SignInBody) },
  responses: {
    201: json(SessionSchema, 'Signed in; the answer sets the session cookie.'),
    ...problems(['invalid_request', 'unauthorized', 'forbidden', 'payload_too_large', 'rate_limited']),
  },
})

const REFUSED = 'The username or password is not right.'

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    if (isBrowserCrossSite(c, services)) throw new FuselinkError('forbidden', 'Sign in from this service’s own pages.')
    const { username, password } = c.req.valid('json')
    const user = await services.state.findUserByName(username)
    const usable = user && user.disabledAt === null ? user.passwordHash : null
    const right = await checkPassword(services, c, { scope: 'sign_in', subject: username.toLowerCase(), stored: usable, password })
    if (!right || !user) throw new FuselinkError('unauthorized', REFUSED)
    const expiresAt = await startSession(c, services, user)
    return c.json({ user: userJson(user), expiresAt: new Date(expiresAt).toISOString() }, 201)
  })
}
