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
import { wantsHtml } from '../../problem'
import type { Services } from '../../services'
import { notYetValidPage } from '../../views/error-page'
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

export interface LandingAnswer {
  /** 200, or the refusal a person gets the page again with (a link password missing or wrong). */
  status: 200 | 401 | 403
  wrongPassword: boolean
}

export async function showLanding(
  services: Services,
  c: Context,
  token: string,
  target: LinkTarget,
  answer: LandingAnswer = { status: 200, wrongPassword: false },
): Promise<Response> {
  const { link, file } = target
  const now = services.clock.now()
  const decision = decideStart(link, file, 0, now, 0)
  if (!decision.ok) {
    // A person is told when the link opens; a program gets the problem.
    if (decision.code === 'link_not_yet_valid' && link.notBefore !== null && wantsHtml(c)) {
      return c.html(await notYetValidPage(link.notBefore, now), 403, { 'Cache-Control': 'private, no-store' })
    }
    throw new FuselinkError(decision.code)
  }
  if (answer.status === 200) recordEvent(services, c, link.id, 'page_viewed')
  const protectedLink = link.passwordHash !== null
  const body = await landingPage({
    token,
    // An unfurler may quote the page's text as well as its title: it learns
    // nothing of the file or the sender. A password-protected link names its
    // file only to those who have the password (in the download).
    visible: isPreviewer(c.req.header('user-agent'))
      ? null
      : {
          file: protectedLink ? null : { filename: link.filename ?? file.name, contentType: file.contentType },
          sender: await services.state.ownerName(link.ownerId),
          message: link.message,
        },
    size: file.size,
    expiresAt: link.expiresAt,
    now,
    remaining: remainingDownloads(link),
    maxDownloads: link.maxDownloads,
    passwordProtected: protectedLink,
    wrongPassword: answer.wrongPassword,
  })
  return c.html(body, answer.status, { 'Cache-Control': 'private, no-store' })
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
