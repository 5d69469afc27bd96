import { createRoute, z } from '@hono/zod-openapi'
import { timingSafeEqual } from '../../../core/encoding'
import { FuselinkError } from '../../../core/errors'
import { bearerCredential } from '../../auth/bearer'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'

const METRICS_TOKEN_SCHEME = {
  type: 'http' as const,
  scheme: 'bearer',
  description: 'The `METRICS_TOKEN` the Node server was started with. Send it as `Authorization: Bearer <token>`.',
}

/** Prometheus text exposition format, version 0.0.4. */
const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8'

export const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Service'],
  summary: 'Metrics',
  description:
    'The service\'s counters in the Prometheus text format: downloads, transfers started and in flight, bytes out, uploads and their bytes, problem answers by code, answers by status. Node only, and only when `METRICS_TOKEN` is set (otherwise 404); the Worker answers 404 (docs/security.md, "Observability").',
  security: [{ metricsToken: [] }],
  responses: {
    200: { description: 'The counters.', content: { [EXPOSITION]: { schema: z.string() } } },
    ...problems(['unauthorized', 'not_found', 'rate_limited']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'metricsToken', METRICS_TOKEN_SCHEME)
  const { metricsToken } = services.config
  const expected = metricsToken === null ? null : services.hashSecret(metricsToken)
  app.openapi(route, async (c) => {
    if (expected === null) throw new FuselinkError('not_found', 'There is nothing at this address.')
    const credential = bearerCredential(c.req.header('authorization'))
    // Hashes compared, so the comparison takes the same time whatever the credential's length.
    if (credential === null || !timingSafeEqual(services.hashSecret(credential), expected)) {
      if (services.limiter.fail(services.clientAddress(c))) throw new FuselinkError('rate_limited')
      throw new FuselinkError('unauthorized', 'GET /metrics needs the METRICS_TOKEN as a bearer credential.')
    }
    return c.text(services.metrics.render(), 200, { 'Content-Type': EXPOSITION, 'Cache-Control': 'no-store' })
  })
}
