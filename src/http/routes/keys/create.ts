import { createRoute } from '@hono/zod-openapi'
import { sha256Hex } from '../../../core/encoding'
import { newApiKeySecret, newId } from '../../../core/ids'
import { ADMIN_ONLY, API_KEY_PROBLEMS, BEARER, json, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { CreatedKeySchema, CreateKeyBody } from '../../schemas/key'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/keys',
  tags: ['Keys'],
  summary: 'Create an API key',
  description: 'The answer carries the secret: this is the only time it is shown. Only its hash is kept.',
  security: BEARER,
  ...ADMIN_ONLY,
  request: { body: jsonBody(CreateKeyBody) },
  responses: {
    201: json(CreatedKeySchema, 'The new key, with its secret.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'forbidden', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { name, role } = c.req.valid('json')
    const secret = newApiKeySecret()
    const id = newId()
    await services.state.insertKey({
      id,
      name,
      role,
      hash: await sha256Hex(secret),
      createdAt: services.clock.now(),
      disabledAt: null,
    })
    // The only time the secret is ever shown.
    return c.json({ id, name, role, key: secret }, 201, { 'Cache-Control': 'no-store' })
  })
}
