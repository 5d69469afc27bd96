import { createRoute } from '@hono/zod-openapi'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { IssueBody } from '../../schemas/link'
import type { Services } from '../../services'
import type { SsoFailure } from '../../sso/code-flow'
import { appPage } from '../../views/app/shell'
import type { SignInOptions } from '../../views/app/signin'

export const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Service'],
  summary: 'The web app',
  description:
    'The app people use to share files: sign in, upload with progress, make links, watch and revoke them, manage keys and people. It is a page and a script that call the `/api/v1` routes of this document with the session cookie; signed out, it shows the sign-in form (with “Sign in with …” when `OIDC_CLIENT_ID` is set; `?sso=` names why single sign-on just failed: `denied`, `expired`, `refused`, `unavailable` or `disabled`).',
  security: [],
  responses: {
    200: { description: 'The app.', content: { 'text/html': { schema: { type: 'string' } } } },
    ...problems([]),
  },
})

// The link form offers "Unlimited" only when links accept `maxDownloads: null`.
const UNLIMITED_LINKS = IssueBody.shape.maxDownloads.safeParse(null).success

/** The one sentence the sign-in page shows after single sign-on failed (`?sso=`, set by /sign-in/sso/callback). */
const SSO_FAILURES: Record<SsoFailure, string> = {
  denied: 'Signing in was cancelled at the identity provider.',
  expired: 'That sign-in took too long or was started in another browser; please try again.',
  refused: 'The identity provider’s answer could not be verified; please try again.',
  unavailable: 'The identity provider could not be reached; please try again shortly.',
  disabled: 'This account is disabled.',
}

function ssoOptions(services: Services, failure: string | undefined): SignInOptions['sso'] {
  const oidc = services.config.oidc
  if (!oidc?.client) return null
  return {
    provider: new URL(oidc.issuer).hostname,
    failure: failure !== undefined && Object.hasOwn(SSO_FAILURES, failure) ? SSO_FAILURES[failure as SsoFailure] : null,
  }
}

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const body = await appPage({
      maxLinkTtl: services.config.maxLinkTtl,
      maxUploadBytes: services.config.maxUploadBytes,
      unlimited: UNLIMITED_LINKS,
      sso: ssoOptions(services, c.req.query('sso')),
    })
    return c.html(body, 200, { 'Cache-Control': 'no-store' })
  })
}
