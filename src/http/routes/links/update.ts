import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { planLinkChange } from '../../../core/link/changes'
import { writeEvents } from '../../events'
import { BEARER, CHANGE_PROBLEMS, json, jsonBody, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { linkJson } from '../../present'
import { idParam } from '../../schemas/ids'
import { UpdateBody, UpdatedLinkSchema } from '../../schemas/link'
import type { Services } from '../../services'
import { linkAccess, visibleLink } from './access'

export const route = createRoute({
  method: 'patch',
  path: '/api/v1/links/{id}',
  tags: ['Links'],
  summary: 'Change a link',
  description:
    'Any subset of `expiresIn`, `maxDownloads`, `filename` and `note`. A link may always become stricter in place (an earlier expiry; a lower limit, not below the downloads already counted), change its `filename` and `note` (`null` removes them) and raise its limit (`null`: no limit). `expiresIn` counts from now; an expiry later than the current token carries issues a new token for the same link (`reissued: true`): the answer and `GET /api/v1/links/{id}` carry the new `token`, `url` and `downloadUrl`, while the old URL keeps working until its own, earlier, expiry. Every token of a link counts against the same limit.',
  security: BEARER,
  request: { params: idParam('link'), body: jsonBody(UpdateBody) },
  responses: {
    200: json(UpdatedLinkSchema, 'The link as changed, with its current token and URLs.'),
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'not_found', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param')
    const principal = c.get('principal')
    const target = await visibleLink(services, principal, id)
    const now = services.clock.now()
    const { change, reissued } = planLinkChange(target.link, c.req.valid('json'), now, services.config.maxLinkTtl)
    if (!(await services.state.updateLink(id, change))) {
      // Downloads were counted past the new limit since the link was read.
      const downloads = (await services.state.getLinkTarget(id))?.link.downloads ?? target.link.downloads
      throw new FuselinkError('invalid_request', `maxDownloads: at least the ${downloads} downloads already counted`)
    }
    const { link, file } = (await services.state.getLinkTarget(id))!
    // A limit lowered to the downloads already counted leaves the link exhausted.
    if (change.maxDownloads !== undefined) {
      services.defer(
        c,
        writeEvents(services, c, () => services.events.noticeExhaustion(id, now)),
      )
    }
    const owner = await ownerFor(services, principal, link.ownerId)
    return c.json({ ...linkJson(link, file, now, await linkAccess(services, link), owner), reissued }, 200)
  })
}
