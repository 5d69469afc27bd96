import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { authorizationUrl } from '../../sso/code-flow'
import { beginLogin } from '../../sso/login-state'
import { ProviderUnavailable } from '../../sso/provider'
import { callbackUrl, signInPageWith } from './common'

export const route = createRoute({
  method: 'get',
  path: '/sign-in/sso',
  tags: ['Accounts'],
  summary: 'Sign in with the identity provider',
  description:
    'Where the sign-in page’s “Sign in with …” button goes (only when `OIDC_CLIENT_ID` is set; else 404): sends the browser to the OpenID provider (authorization code flow with PKCE), keeping this sign-in’s state, nonce and verifier in a short-lived signed cookie. When the provider cannot be reached, back to the sign-in page with a sentence that says so.',
  security: [],
  responses: {
    302: { description: 'To the provider’s sign-in, or back to the sign-in page when it cannot be reached.' },
    ...problems(['not_found'], { html: true }),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const client = services.config.oidc?.client
    if (!services.sso || !client) throw new FuselinkError('not_found', 'Single sign-on is not set up here.')
    try {
      const login = await beginLogin(c, services)
      return c.redirect(await authorizationUrl(services.sso, client.id, callbackUrl(services, c), login), 302)
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error
      services.log('identity provider unavailable', { reason: error.message })
      return c.redirect(signInPageWith('unavailable'), 302)
    }
  })
}
