import { type Context, Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { FuselinkError } from '../../core/errors'
import { contentDisposition } from '../../core/http/disposition'
import { isPrefetch, isPreviewer } from '../../core/http/previewers'
import { isResumeRange } from '../../core/http/range'
import { type DownloadResult, openDownload, resolveToken } from '../../core/link/download'
import { decideStart } from '../../core/link/policy'
import type { LinkTarget } from '../../core/model'
import { problemResponse } from '../problem'
import type { AppEnv, Services } from '../services'
import { FROM_PAGE, landingPage } from '../views/landing-page'

/**
 * On every recipient answer, pages, files and errors alike: keep it out of
 * search indexes, and tell caches the answer depends on who is asking (a
 * previewer or a prefetch gets the page, a person the file).
 */
const recipientHeaders = createMiddleware(async (c, next) => {
  await next()
  c.res.headers.set('X-Robots-Tag', 'noindex, nofollow, noarchive')
  c.res.headers.set('Vary', 'User-Agent, Sec-Purpose, Purpose')
})

/** A bad token counts against the caller's address; past the limit it answers 429. */
async function limited<T>(services: Services, c: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof FuselinkError && error.code === 'invalid_token' && services.limiter.fail(services.clientAddress(c))) {
      throw new FuselinkError('rate_limited')
    }
    throw error
  }
}

function deps(services: Services) {
  return {
    state: services.state,
    objects: services.objects,
    verifier: services.verifier,
    clock: services.clock,
    resumeGrace: services.config.resumeGrace * 1000,
  }
}

async function showLanding(services: Services, c: Context, token: string, target: LinkTarget): Promise<Response> {
  const { link, file } = target
  const now = services.clock.now()
  const decision = decideStart(link, file, 0, now, 0)
  if (!decision.ok) throw new FuselinkError(decision.code)
  const body = await landingPage({
    token,
    // An unfurler may quote the page's text as well as its title.
    filename: isPreviewer(c.req.header('user-agent')) ? null : (link.filename ?? file.name),
    size: file.size,
    expiresAt: link.expiresAt,
    now,
    remaining: link.maxDownloads - link.downloads,
    maxDownloads: link.maxDownloads,
  })
  return c.html(body, 200, { 'Cache-Control': 'private, no-store' })
}

function downloadHeaders(result: Extract<DownloadResult, { status: 200 | 206 }>): Headers {
  const { file, link } = result.target
  const headers = new Headers({
    'Content-Type': file.contentType,
    'Content-Disposition': contentDisposition(link.filename ?? file.name),
    'Content-Length': String(result.end - result.start + 1),
    'Accept-Ranges': 'bytes',
    ETag: result.etag,
    'Cache-Control': 'private, no-store',
  })
  if (result.status === 206) headers.set('Content-Range', `bytes ${result.start}-${result.end}/${file.size}`)
  return headers
}

async function download(services: Services, c: Context): Promise<Response> {
  const token = c.req.param('token')!
  const isHead = c.req.method === 'HEAD'
  // Scanners and prefetchers follow links with GET; only a person submits the
  // form. A GET of the form's own address is a machine reading the page,
  // unless it resumes: that is the browser picking up a download the form began.
  const fromPage = c.req.query(FROM_PAGE.name) === FROM_PAGE.value && !isResumeRange(c.req.header('range'))
  const speculative = c.req.method === 'GET' && (isPrefetch(c.req.raw.headers) || isPreviewer(c.req.header('user-agent')) || fromPage)
  if (speculative) {
    // A scanner or prefetch gets the page, which consumes nothing.
    const target = await limited(services, c, () => resolveToken(deps(services), token))
    return showLanding(services, c, token, target)
  }

  const result = await limited(services, c, () =>
    openDownload(deps(services), {
      token,
      range: c.req.header('range') ?? null,
      ifRange: c.req.header('if-range') ?? null,
      ifNoneMatch: c.req.header('if-none-match') ?? null,
      consume: !isHead,
    }),
  )
  if (result.status === 416) {
    const response = await problemResponse(c, new FuselinkError('range_not_satisfiable'))
    response.headers.set('Content-Range', `bytes */${result.target.file.size}`)
    return response
  }
  if (result.status === 304) {
    return new Response(null, { status: 304, headers: { ETag: result.etag, 'Cache-Control': 'private, no-store' } })
  }
  services.defer(c, result.ended)
  return new Response(result.body, { status: result.status, headers: downloadHeaders(result) })
}

export function recipientRoutes(services: Services) {
  return new Hono<AppEnv>()
    .use('/s/*', recipientHeaders)
    .use('/d/*', recipientHeaders)
    .get('/s/:token', async (c) => {
      const token = c.req.param('token')
      const target = await limited(services, c, () => resolveToken(deps(services), token))
      return showLanding(services, c, token, target)
    })
    .get('/d/:token', (c) => download(services, c))
    .post('/d/:token', (c) => download(services, c))
}
