import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { FuselinkError } from '../core/errors'
import { requireKey } from './middleware/auth'
import { securityHeaders } from './middleware/security-headers'
import { onError, problemResponse } from './problem'
import { assetRoutes } from './routes/assets'
import { fileRoutes } from './routes/files'
import { keyRoutes } from './routes/keys'
import { linkRoutes } from './routes/links'
import { recipientRoutes } from './routes/recipient'
import { systemRoutes } from './routes/system'
import type { AppEnv, Services } from './services'

const JSON_BODY_LIMIT = 64 * 1024

/** The whole service as one Hono app. It does no I/O of its own: `services` does. */
export function createApp(services: Services) {
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new FuselinkError('payload_too_large', `JSON bodies are limited to ${JSON_BODY_LIMIT} bytes.`)
    },
  })

  const api = new Hono<AppEnv>()
    .use(requireKey(services))
    .use('/links/*', jsonLimit)
    .use('/keys/*', jsonLimit)
    .use('/files/import', jsonLimit)
    .route('/files', fileRoutes(services))
    .route('/links', linkRoutes(services))
    .route('/keys', keyRoutes(services))

  return new Hono<AppEnv>()
    .use(securityHeaders)
    .route('/', systemRoutes(services))
    .route('/', assetRoutes())
    .route('/', recipientRoutes(services))
    .route('/api/v1', api)
    .notFound((c) => problemResponse(c, new FuselinkError('not_found', 'There is nothing at this address.')))
    .onError(onError(services))
}

export type App = ReturnType<typeof createApp>
