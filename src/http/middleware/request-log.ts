import { createMiddleware } from 'hono/factory'
import { matchedRoutes } from 'hono/route'
import { newId } from '../../core/ids'
import type { AppEnv, Services } from '../services'

/**
 * One JSON log line per request (docs/security.md, "Observability"): its id
 * (also sent back as X-Request-Id), method, the route that answered (its
 * pattern, never the path: a path carries tokens), status, problem code,
 * body bytes and duration. Never a header, a query or a body. A download's
 * line is written when its body has ended, with the bytes really sent.
 */
export function requestLog(services: Services) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = Date.now()
    const requestId = newId()
    c.set('requestId', requestId)
    await next()
    c.res.headers.set('X-Request-Id', requestId)
    const status = c.res.status
    const problem = c.get('problem')
    services.metrics.answered(status, problem)
    const handler = matchedRoutes(c).findLast((route) => route.method !== 'ALL')
    const line = (bytes: number | null) =>
      services.log('request', {
        requestId,
        method: c.req.method,
        route: handler?.path ?? null,
        status,
        ...(problem ? { code: problem } : {}),
        bytes,
        durationMs: Date.now() - started,
      })
    const body = c.get('bodyBytes')
    if (body) {
      services.defer(c, body.then(line))
    } else {
      const length = c.res.headers.get('content-length')
      line(length === null ? null : Number(length))
    }
  })
}
