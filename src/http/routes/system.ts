import { Hono } from 'hono'
import { FuselinkError } from '../../core/errors'
import { publicJwks } from '../../core/token/keys'
import { problemResponse } from '../problem'
import type { AppEnv, Services } from '../services'

export function systemRoutes(services: Services) {
  const jwks = JSON.stringify(publicJwks(services.keys))
  return (
    new Hono<AppEnv>()
      .get('/.well-known/jwks.json', (c) =>
        c.body(jwks, 200, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300' }),
      )
      // Browsers ask for it on every page view; there is none, and no error to log.
      .get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' }))
      .get('/healthz', async (c) => {
        try {
          await Promise.all([services.state.ping(), services.objects.ping()])
        } catch (cause) {
          services.log('health check failed', { error: String(cause) })
          return problemResponse(c, new FuselinkError('storage_unavailable', 'Storage or database did not answer.'))
        }
        return c.json({ status: 'ok' })
      })
  )
}
