import { createRoute } from '@hono/zod-openapi'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { IssueBody } from '../../schemas/link'
import type { Services } from '../../services'
import { appPage } from '../../views/app/shell'

export const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Service'],
  summary: 'The web app',
  description:
    'The app people use to share files: sign in, upload with progress, make links, watch and revoke them, manage keys and people. It is a page and a script that call the `/api/v1` routes of this document with the session cookie; signed out, it shows the sign-in form.',
  security: [],
  responses: {
    200: { description: 'The app.', content: { 'text/html': { schema: { type: 'string' } } } },
    ...problems([]),
  },
})

// The link form offers "Unlimited" only when links accept `maxDownloads: null`.
const UNLIMITED_LINKS = IssueBody.shape.maxDownloads.safeParse(null).success

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const body = await appPage({
      maxLinkTtl: services.config.maxLinkTtl,
      maxUploadBytes: services.config.maxUploadBytes,
      unlimited: UNLIMITED_LINKS,
    })
    return c.html(body, 200, { 'Cache-Control': 'no-store' })
  })
}
