import { createRoute } from '@hono/zod-openapi'
import { newId } from '../../../core/ids'
import type { UserRecord } from '../../../core/model'
import { startSession } from '../../auth/session-cookie'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { linkGonePage, setupPage } from '../../views/account-pages'
import { choosePassword, PAGE_ANSWERS, PAGE_TOKEN_PARAM, pageToken, readPageForm, tokenGone, usernameProblem } from './common'

const FORM = { type: 'object' as const, properties: { username: { type: 'string' as const }, password: { type: 'string' as const } } }

export const route = createRoute({
  method: 'post',
  path: '/setup/{token}',
  tags: ['Accounts'],
  summary: 'Create the first admin',
  description:
    'What the setup page’s form sends (`username`, `password`). Creates the first admin — only while no user exists, the token spent in the same step — signs it in and sends the browser to the app. Must come from the page itself (`Origin` or `Sec-Fetch-Site`), else 403.',
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
    const claims = await pageToken(services, c, 'setup')
    if ((await tokenGone(services, claims)) || (await services.state.hasUsers())) return c.html(linkGonePage('setup'), 410)
    const refusal = usernameProblem(form.username)
    const chosen = refusal === null ? await choosePassword(form.password) : { problem: refusal }
    if ('problem' in chosen) return c.html(setupPage({ username: form.username, error: chosen.problem }), 400)
    const user: UserRecord = {
      id: newId(),
      username: form.username,
      role: 'admin',
      passwordHash: chosen.hash,
      createdAt: services.clock.now(),
      disabledAt: null,
    }
    if (!(await services.state.createFirstUser(user, { jti: claims.jti, expiresAt: claims.exp * 1000 }))) {
      return c.html(linkGonePage('setup'), 410)
    }
    await startSession(c, services, user)
    return c.redirect('/', 303)
  })
}
