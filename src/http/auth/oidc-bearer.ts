import { ProviderUnavailable, providerUnavailableError, TokenRefused } from '../sso/provider'
import { userForIdentity } from '../sso/users'
import type { Authenticator } from './chain'

// A JWT, as providers issue them: far longer than an API key, still bounded.
const BEARER_JWT = /^Bearer +([A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,8192}\.[A-Za-z0-9_-]{0,2048})$/

/**
 * Bearer JWTs of the trusted OpenID provider (docs/sso.md), when
 * OIDC_AUDIENCE is set: signature against the provider's JWKS, issuer and
 * audience pinned, times checked; the person is then a user of fuselink,
 * made on first sight. A token it refuses falls through to the chain's 401;
 * a provider out of reach is a 401 that says so.
 */
export const oidcBearerAuthenticator: Authenticator = {
  async authenticate(c, services) {
    const audience = services.config.oidc?.audience
    const token = BEARER_JWT.exec(c.req.header('authorization') ?? '')?.[1]
    if (!services.sso || !audience || token === undefined) return null
    let claims: Awaited<ReturnType<typeof services.sso.verify>>
    try {
      claims = await services.sso.verify(token, audience)
    } catch (error) {
      if (error instanceof TokenRefused) return null
      if (error instanceof ProviderUnavailable) {
        services.log('identity provider unavailable', { reason: error.message })
        throw providerUnavailableError()
      }
      throw error
    }
    const user = await userForIdentity(services, { issuer: services.sso.settings.issuer, subject: claims.sub!, claims })
    return { principal: { kind: 'user', id: user.id, name: user.username, role: user.role, sessionId: null }, ambient: false }
  },
}
