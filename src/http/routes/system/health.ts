import { createRoute, z } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Service'],
  summary: 'Health',
  description: 'Answers 200 when storage and the database both answer, else 503.',
  security: [],
  responses: {
    200: json(z.object({ status: z.literal('ok') }), 'Storage and database answer.'),
    ...problems(['storage_unavailable']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    try {
      await Promise.all([services.state.ping(), services.objects.ping()])
    } catch (cause) {
      services.log('health check failed', { error: String(cause) })
      throw new FuselinkError('storage_unavailable', 'Storage or database did not answer.')
    }
    return c.json({ status: 'ok' as const }, 200)
  })
}
