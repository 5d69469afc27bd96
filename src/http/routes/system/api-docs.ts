import { createRoute } from '@hono/zod-openapi'
import { apiDocument } from '../../openapi/document'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { apiReferencePage } from '../../views/api-reference'

export const route = createRoute({
  method: 'get',
  path: '/api/docs',
  tags: ['Service'],
  summary: 'This reference, as a page',
  description: 'The OpenAPI document rendered for people, by the service itself: nothing is loaded from anywhere else.',
  security: [],
  responses: {
    200: { description: 'The reference page.', content: { 'text/html': { schema: { type: 'string' } } } },
    ...problems([]),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => c.html(await apiReferencePage(apiDocument(app, services.config.publicUrl)), 200))
}
