import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { except } from 'hono/combine'
import { FuselinkError } from '../core/errors'
import { apiKeyAuthenticator } from './auth/api-key'
import { authenticate } from './auth/chain'
import { oidcBearerAuthenticator } from './auth/oidc-bearer'
import { sessionCookieAuthenticator } from './auth/session-cookie'
import { formLimit, jsonLimit } from './middleware/json-limit'
import { securityHeaders } from './middleware/security-headers'
import { onError, problemResponse } from './problem'
import { ROUTES } from './routes'
import { recipientHeaders } from './routes/recipient/common'
import type { AppEnv, Services } from './services'
import { validationHook } from './validation'

/** The credentials /api/v1 accepts, tried in this order (src/http/auth/). */
const AUTHENTICATORS = [apiKeyAuthenticator, oidcBearerAuthenticator, sessionCookieAuthenticator]

const isSignIn = (c: Context) => c.req.method === 'POST' && c.req.path === '/api/v1/sessions'

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
  // Signing in is the one /api/v1 route that needs no credential.
  app.use('/api/v1/*', except(isSignIn, authenticate(services, AUTHENTICATORS)))
  app.use('/api/v1/links/*', jsonLimit)
  app.use('/api/v1/keys/*', jsonLimit)
  app.use('/api/v1/files/import', jsonLimit)
  app.use('/api/v1/sessions', jsonLimit)
  app.use('/api/v1/me/*', jsonLimit)
  app.use('/api/v1/users/*', jsonLimit)
  app.use('/setup/*', formLimit)
  app.use('/invite/*', formLimit)

  for (const route of ROUTES) route.register(app, services)

  return app
    .notFound((c) => problemResponse(c, new FuselinkError('not_found', 'There is nothing at this address.')))
    .onError(onError(services))
}

export type App = ReturnType<typeof createApp>
