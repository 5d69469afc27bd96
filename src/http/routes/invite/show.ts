import { createRoute } from '@hono/zod-openapi'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { invitePage, linkGonePage } from '../../views/account-pages'
import { PAGE_ANSWERS, PAGE_TOKEN_PARAM, pageToken } from '../setup/common'
import { invitedUser } from './invited'

export const route = createRoute({
  method: 'get',
  path: '/invite/{token}',
  tags: ['Accounts'],
  summary: 'An invite’s page',
  description:
    'The `inviteUrl` of a user created without a password: a form where that user chooses one (it posts back here). Single use, valid `INVITE_TTL` seconds (7 days); once used or expired, or when the user was disabled meanwhile, it answers 410 with a page saying so.',
  security: [],
  parameters: [PAGE_TOKEN_PARAM],
  responses: {
    200: PAGE_ANSWERS.form,
    410: PAGE_ANSWERS.gone,
    ...problems(['invalid_token', 'rate_limited'], { html: true }),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const invited = await invitedUser(services, await pageToken(services, c, 'invite'))
    if (!invited) return c.html(linkGonePage('invite'), 410)
    return c.html(invitePage({ username: invited.user.username, error: null }), 200)
  })
}
