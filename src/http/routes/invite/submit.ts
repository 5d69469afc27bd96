import { createRoute } from '@hono/zod-openapi'
import { startSession } from '../../auth/session-cookie'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { invitePage, linkGonePage } from '../../views/account-pages'
import { choosePassword, PAGE_ANSWERS, PAGE_TOKEN_PARAM, pageToken, readPageForm } from '../setup/common'
import { invitedUser } from './invited'

const FORM = { type: 'object' as const, properties: { password: { type: 'string' as const } } }

export const route = createRoute({
  method: 'post',
  path: '/invite/{token}',
  tags: ['Accounts'],
  summary: 'Accept an invite',
  description:
    'What the invite page’s form sends (`password`). Sets the user’s password — the invite spent in the same step — signs the user in and sends the browser to the app. Must come from the page itself (`Origin` or `Sec-Fetch-Site`), else 403.',
  security: [],
  parameters: [PAGE_TOKEN_PARAM],
  request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: FORM } } } },
  responses: {
    303: PAGE_ANSWERS.done,
    400: PAGE_ANSWERS.refused,
    410: PAGE_ANSWERS.gone,
    ...problems(['invalid_token', 'forbidden', 'payload_too_large', 'rate_limited'], { html: true }),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const form = await readPageForm(services, c)
    const invited = await invitedUser(services, await pageToken(services, c, 'invite'))
    if (!invited) return c.html(linkGonePage('invite'), 410)
    const chosen = await choosePassword(form.password)
    if ('problem' in chosen) return c.html(invitePage({ username: invited.user.username, error: chosen.problem }), 400)
    const { user, claims } = invited
    if (!(await services.state.acceptInvite(user.id, chosen.hash, { jti: claims.jti, expiresAt: claims.exp * 1000 }))) {
      return c.html(linkGonePage('invite'), 410)
    }
    await startSession(c, services, user)
    return c.redirect('/', 303)
  })
}
