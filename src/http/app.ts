import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { except } from 'hono/combine'
import { apiKeyAuthenticator } from './auth/api-key'
import { authenticate } from './auth/chain'
import { oidcBearerAuthenticator } from './auth/oidc-bearer'
import { sessionCookieAuthenticator } from './auth/session-cookie'
import { uploadRequestTokenAuthenticator } from './auth/upload-request-token'
import { formLimit, jsonLimit } from './middleware/json-limit'
import { requestLog } from './middleware/request-log'
import { securityHeaders } from './middleware/security-headers'
import { notFound, onError } from './problem'
import { routeTable } from './route-table'
import { ROUTES } from './routes'
import { recipientHeaders } from './routes/recipient/common'
import type { AppEnv, Services } from './services'
import { validationHook } from './validation'

/**
 * The credentials /api/v1 accepts, tried in this order (src/http/auth/). A
 * bearer the caller sent outranks the cookie its browser adds by itself: an
 * owner signed in who opens their own upload page still uploads through it.
 */
const AUTHENTICATORS = [apiKeyAuthenticator, oidcBearerAuthenticator, uploadRequestTokenAuthenticator, sessionCookieAuthenticator]

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
  app.use(requestLog(services))
  app.use(securityHeaders)
  app.use('/s/*', recipientHeaders)
  app.use('/d/*', recipientHeaders)
  app.use('/u/*', recipientHeaders)
  // Signing in is the one /api/v1 route that needs no credential.
  app.use('/api/v1/*', except(isSignIn, authenticate(services, AUTHENTICATORS)))
  app.use('/api/v1/links/*', jsonLimit)
  app.use('/api/v1/keys/*', jsonLimit)
  app.use('/api/v1/webhooks/*', jsonLimit)
  app.use('/api/v1/files/import', jsonLimit)
  // Only the start of an upload: its parts are raw bodies.
  app.use('/api/v1/uploads', jsonLimit)
  app.use('/api/v1/upload-requests/*', jsonLimit)
  app.use('/api/v1/sessions', jsonLimit)
  app.use('/api/v1/me/*', jsonLimit)
  app.use('/api/v1/users/*', jsonLimit)
  app.use('/setup/*', formLimit)
  app.use('/invite/*', formLimit)

  for (const route of ROUTES) route.register(app, services)

  const routes = routeTable(app)
  return app.notFound(notFound(routes)).onError(onError(services, routes))
}

export type App = ReturnType<typeof createApp>
