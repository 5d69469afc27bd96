import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { FuselinkError } from '../../../core/errors'
import { isPreviewer } from '../../../core/http/previewers'
import { resolveToken } from '../../../core/link/download'
import { decideStart } from '../../../core/link/policy'
import type { LinkTarget } from '../../../core/model'
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
    remaining: link.maxDownloads - link.downloads,
    maxDownloads: link.maxDownloads,
    passwordProtected: protectedLink,
    wrongPassword: answer.wrongPassword,
  })
  return c.html(body, answer.status, { 'Cache-Control': 'private, no-store' })
}

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const token = c.req.param('token')
    const target = await limited(services, c, () => resolveToken(downloadDeps(services), token))
    return showLanding(services, c, token, target)
  })
}
