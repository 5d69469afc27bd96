import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { FuselinkError } from '../../../core/errors'
import { isPreviewer } from '../../../core/http/previewers'
import { resolveToken } from '../../../core/link/download'
import { decideStart, remainingDownloads } from '../../../core/link/policy'
import type { LinkTarget } from '../../../core/model'
import { recordEvent, recordRefusal } from '../../events'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { landingPage } from '../../views/landing-page'
import { downloadDeps, LINK_REFUSALS, limited, TOKEN_PARAM } from './common'

export const route = createRoute({
  method: 'get',
  path: '/s/{token}',
  tags: ['Recipients'],
  summary: 'The page people receive',
  description:
    "An HTML page: the file's name, size, expiry, downloads left, and a Download button (a form that POSTs to `/d/{token}`). Opening it never uses a download. A link that can no longer be downloaded answers its error's status with a page that says why and offers no button; programs that do not ask for `text/html` get problem+json. Link previewers get the page without the file name.",
  security: [],
  parameters: [TOKEN_PARAM],
  responses: {
    200: { description: 'The landing page.', content: { 'text/html': { schema: { type: 'string' } } } },
    ...problems(LINK_REFUSALS, { html: true }),
  },
})

async function showLanding(services: Services, c: Context, token: string, target: LinkTarget): Promise<Response> {
  const { link, file } = target
  const now = services.clock.now()
  const decision = decideStart(link, file, 0, now, 0)
  if (!decision.ok) throw new FuselinkError(decision.code)
  recordEvent(services, c, link.id, 'page_viewed')
  const body = await landingPage({
    token,
    // An unfurler may quote the page's text as well as its title.
    filename: isPreviewer(c.req.header('user-agent')) ? null : (link.filename ?? file.name),
    size: file.size,
    expiresAt: link.expiresAt,
    now,
    remaining: remainingDownloads(link),
    maxDownloads: link.maxDownloads,
  })
  return c.html(body, 200, { 'Cache-Control': 'private, no-store' })
}

/** The page for `token`, or the refusal that says why not (recorded as the link's event when the token names one). */
export async function landingFor(services: Services, c: Context, token: string): Promise<Response> {
  try {
    const target = await limited(services, c, () => resolveToken(downloadDeps(services), token))
    return await showLanding(services, c, token, target)
  } catch (error) {
    recordRefusal(services, c, token, error)
    throw error
  }
}

export function register(app: RouteApp, services: Services) {
  app.openapi(route, (c) => landingFor(services, c, c.req.param('token')))
}
