import { createRoute, z } from '@hono/zod-openapi'
import { API_KEY_SCHEME, apiDocument, SESSION_SCHEME } from '../../openapi/document'
import { json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { publicOrigin } from '../../public-origin'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/openapi.json',
  tags: ['Service'],
  summary: 'This API, as OpenAPI 3.1',
  description: 'Generated from the schemas that validate the requests: every route, its parameters, bodies, answers and problem codes.',
  security: [],
  responses: {
    200: json(z.record(z.string(), z.unknown()).openapi({ description: 'An OpenAPI 3.1 document.' }), 'The document.'),
    ...problems([]),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', API_KEY_SCHEME)
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', SESSION_SCHEME)
  app.openapi(route, (c) => c.json(apiDocument(app, publicOrigin(services, c.req.url)), 200))
}
