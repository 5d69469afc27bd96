import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { newApiKeySecret, newId } from '../../../core/ids'
import { type KeyOwner, userOf } from '../../../core/model'
import { keyManager } from '../../middleware/auth'
import { BEARER, CHANGE_PROBLEMS, json, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { CreatedKeySchema, CreateKeyBody } from '../../schemas/key'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/keys',
  tags: ['Keys'],
  summary: 'Create an API key',
  description:
    'The answer carries the secret: this is the only time it is shown. Only its hash is kept. An admin creates keys of either role; a user (signed in, or with a key of its own) creates `user` keys, which belong to that user and act as it (asking for an `admin` key: 403). A key made by a key that belongs to no user belongs to that key. A `user` key that belongs to no user cannot manage keys (403).',
  security: BEARER,
  request: { body: jsonBody(CreateKeyBody) },
  responses: {
    201: json(CreatedKeySchema, 'The new key, with its secret.'),
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')
    keyManager(principal)
    const { name, role } = c.req.valid('json')
    if (role === 'admin' && principal.role !== 'admin') throw new FuselinkError('forbidden', 'Only an admin can create admin keys.')
    const userId = userOf(principal)
    const owner: KeyOwner = userId === null ? { kind: 'api_key', id: principal.id } : { kind: 'user', id: userId }
    const secret = newApiKeySecret()
    const id = newId()
    await services.state.insertKey({
      id,
      name,
      role,
      hash: services.hashSecret(secret),
      owner,
      createdAt: services.clock.now(),
      disabledAt: null,
    })
    // The only time the secret is ever shown.
    return c.json({ id, name, role, key: secret }, 201, { 'Cache-Control': 'no-store' })
  })
}
