import { createRoute } from '@hono/zod-openapi'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import type { Services } from '../../services'
import { linkGonePage, setupPage } from '../../views/account-pages'
import { PAGE_ANSWERS, PAGE_TOKEN_PARAM, pageToken, tokenGone } from './common'

export const route = createRoute({
  method: 'get',
  path: '/setup/{token}',
  tags: ['Accounts'],
  summary: 'The first start’s setup page',
  description:
    'Opened from the `SETUP_URL=` line the service prints on a start while no user exists: a form where the first admin chooses a username and password (it posts back here). Single use and valid one hour (`SETUP_TTL`); once used, expired, or once any user exists, it answers 410 with a page saying so.',
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
    const claims = await pageToken(services, c, 'setup')
    if ((await tokenGone(services, claims)) || (await services.state.hasUsers())) return c.html(linkGonePage('setup'), 410)
    return c.html(setupPage({ username: '', error: null }), 200)
  })
}
