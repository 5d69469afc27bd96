import { createRoute, z } from '@hono/zod-openapi'
import { timingSafeEqual } from '../../../core/encoding'
import { FuselinkError } from '../../../core/errors'
import { startSession } from '../../auth/session-cookie'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { identityFromCode, SsoFailed, type SsoFailure } from '../../sso/code-flow'
import { takeLogin } from '../../sso/login-state'
import { ProviderUnavailable } from '../../sso/provider'
import { userForIdentity } from '../../sso/users'
import { callbackUrl, signInPageWith } from './common'

const param = (max: number) => z.string().max(max).optional()

export const route = createRoute({
  method: 'get',
  path: '/sign-in/sso/callback',
  tags: ['Accounts'],
  summary: 'Come back from the identity provider',
  description:
    'Where the OpenID provider sends the browser back. Checks `state` against this browser’s sign-in cookie, exchanges the code (with the PKCE verifier and the client secret) and verifies the ID token (signature against the provider’s JWKS, issuer, audience, times, nonce); the person is then a user (made on first sight by `iss`+`sub`) and signed in with the session cookie, as with a password. Anything else — denied at the provider, a stale or foreign `state`, a code already used — ends on the sign-in page with one sentence.',
  security: [],
  request: {
    query: z.object({ code: param(2048), state: param(512), error: param(256), error_description: param(1024), iss: param(1024) }),
  },
  responses: {
    303: { description: 'Signed in: to the app. Not signed in: to the sign-in page, which says why.' },
    ...problems(['invalid_request', 'not_found'], { html: true }),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const client = services.config.oidc?.client
    if (!services.sso || !client) throw new FuselinkError('not_found', 'Single sign-on is not set up here.')
    const sso = services.sso
    const query = c.req.valid('query')
    const fail = (reason: SsoFailure, detail: string) => {
      services.log('sso sign-in refused', { reason, detail })
      return c.redirect(signInPageWith(reason), 303)
    }
    const login = await takeLogin(c, services)
    if (!login) return fail('expired', 'no sign-in under way in this browser, or it is too old')
    if (query.state === undefined || !timingSafeEqual(query.state, login.state)) return fail('refused', 'state does not match')
    // RFC 9207: a provider that names itself in the answer must be ours (mix-up defence).
    if (query.iss !== undefined && query.iss !== sso.settings.issuer) return fail('refused', 'the answer names another issuer')
    if (query.error !== undefined) return fail(query.error === 'access_denied' ? 'denied' : 'refused', `the provider said ${query.error}`)
    if (query.code === undefined) return fail('refused', 'no code')
    try {
      const identity = await identityFromCode(sso, client, callbackUrl(services, c), login, query.code)
      const user = await userForIdentity(services, identity)
      await startSession(c, services, user)
      return c.redirect('/', 303)
    } catch (error) {
      if (error instanceof SsoFailed) return fail(error.reason, error.message)
      if (error instanceof ProviderUnavailable) return fail('unavailable', error.message)
      if (error instanceof FuselinkError && error.code === 'unauthorized') return fail('disabled', error.message)
      throw error
    }
  })
}
