import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { FuselinkError, toProblem } from '../core/errors'
import type { Services } from './services'
import { errorPage } from './views/error-page'

const PAGE_PREFIXES = ['/s/', '/d/', '/setup/', '/invite/']

/** Recipient routes, and the setup and invite pages, answer people with a page when they ask for HTML (docs/api.md, "Errors"). */
export function wantsHtml(c: Context): boolean {
  const path = c.req.path
  if (!PAGE_PREFIXES.some((prefix) => path.startsWith(prefix))) return false
  return /\btext\/html\b/i.test(c.req.header('accept') ?? '')
}

export function asFuselinkError(error: unknown): FuselinkError | null {
  if (error instanceof FuselinkError) return error
  if (error instanceof HTTPException) {
    if (error.status === 413) return new FuselinkError('payload_too_large')
    // A body whose Content-Type is not the one its route declares (OpenAPIHono checks before validating).
    if (error.status === 415) return new FuselinkError('invalid_request', 'Content-Type: not a media type this route accepts')
    if (error.status >= 400 && error.status < 500) return new FuselinkError('invalid_request', error.message || undefined)
  }
  return null
}

/** The one place where errors become HTTP: problem+json, or an HTML page for people. */
export async function problemResponse(c: Context, error: FuselinkError): Promise<Response> {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' }
  if (error.code === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer'
  if (error.code === 'rate_limited') headers['Retry-After'] = String(error.retryAfter ?? 60)
  if (error.code === 'storage_unavailable') headers['Retry-After'] = '5'
  if (wantsHtml(c)) {
    return c.html(await errorPage(error), error.status as 400, headers)
  }
  return new Response(JSON.stringify(toProblem(error)), {
    status: error.status,
    headers: { ...headers, 'Content-Type': 'application/problem+json' },
  })
}

export function onError(services: Services) {
  return (error: Error, c: Context): Promise<Response> => {
    const known = asFuselinkError(error)
    if (known) return problemResponse(c, known)
    services.log('unhandled error', { method: c.req.method, route: c.req.routePath, error: error.stack ?? String(error) })
    return problemResponse(c, new FuselinkError('internal_error', 'Something went wrong on our side.'))
  }
}
