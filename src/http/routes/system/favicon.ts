import { createRoute } from '@hono/zod-openapi'
import type { RouteApp } from '../../openapi/routes'

// Browsers ask for it on every page view; there is none, and no error to log.
// Not part of the API, so not in its document.
export const route = createRoute({
  method: 'get',
  path: '/favicon.ico',
  hide: true,
  responses: { 204: { description: 'No icon.' } },
})

export function register(app: RouteApp) {
  app.openapi(route, (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' }))
}
