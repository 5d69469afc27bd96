import { createMiddleware } from 'hono/factory'
import { PAGE_CSP } from '../views/layout'

/** Headers every response carries; pages and problem documents alike. */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next()
  const headers = c.res.headers
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('Referrer-Policy', 'no-referrer')
  headers.set('Content-Security-Policy', PAGE_CSP)
  headers.set('X-Frame-Options', 'DENY')
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
})
