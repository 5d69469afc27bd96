import { OpenAPIHono } from '@hono/zod-openapi'
import { FuselinkError } from '../core/errors'
import { requireKey } from './middleware/auth'
import { jsonLimit } from './middleware/json-limit'
import { securityHeaders } from './middleware/security-headers'
import { onError, problemResponse } from './problem'
import { ROUTES } from './routes'
import { recipientHeaders } from './routes/recipient/common'
import type { AppEnv, Services } from './services'
import { validationHook } from './validation'

/**
 * The whole service as one Hono app. It does no I/O of its own: `services` does.
 * Middleware that applies to a whole prefix is here; what one route needs
 * (an admin check) is in its definition, and the routes are listed in
 * routes/index.ts (docs/architecture.md, "Where things go"). A route with a
 * JSON body must sit under one of the JSON-limit prefixes below (the contract
 * suite sends an oversized body to every JSON body the document declares); a
 * raw-body route must not.
 */
export function createApp(services: Services) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  app.use(securityHeaders)
  app.use('/s/*', recipientHeaders)
  app.use('/d/*', recipientHeaders)
  app.use('/u/*', recipientHeaders)
  app.use('/api/v1/*', requireKey(services))
  app.use('/api/v1/links/*', jsonLimit)
  app.use('/api/v1/keys/*', jsonLimit)
  app.use('/api/v1/files/import', jsonLimit)
  // Only the start of an upload: its parts are raw bodies.
  app.use('/api/v1/uploads', jsonLimit)
  app.use('/api/v1/upload-requests/*', jsonLimit)

  for (const route of ROUTES) route.register(app, services)

  return app
    .notFound((c) => problemResponse(c, new FuselinkError('not_found', 'There is nothing at this address.')))
    .onError(onError(services))
}

export type App = ReturnType<typeof createApp>
