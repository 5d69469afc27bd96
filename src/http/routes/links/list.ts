import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { canSee, listOwner } from '../../middleware/auth'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownersFor } from '../../owners'
import { linkJson } from '../../present'
import { LinkListQuery, LinkPageSchema } from '../../schemas/link'
import type { Services } from '../../services'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/links',
  tags: ['Links'],
  summary: 'List links',
  description:
    "Newest first, with live counters, without tokens or URLs (ask for one link to get those). A `user` key sees its own links; an `admin` key sees all, each with its `owner`, or one owner's with `?owner=`. `fileId` of a file the caller may not see answers 404.",
  security: BEARER,
  request: { query: LinkListQuery },
  responses: {
    200: json(LinkPageSchema, 'One page of links.'),
    ...problems([...API_KEY_PROBLEMS, 'invalid_request', 'forbidden', 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { limit, cursor, fileId, owner } = c.req.valid('query')
    const principal = c.get('principal')
    const file = fileId === undefined ? null : await services.state.getFile(fileId)
    if (fileId !== undefined && (!file || !canSee(principal, file.ownerId))) {
      throw new FuselinkError('not_found', 'No such file.')
    }
    const page = await services.state.listLinks({
      limit,
      cursor,
      fileId,
      ownerId: listOwner(principal, owner),
    })
    const now = services.clock.now()
    const files = new Map(file ? [[file.id, file]] : [])
    for (const link of page.items) {
      if (!files.has(link.fileId)) files.set(link.fileId, (await services.state.getFile(link.fileId))!)
    }
    const owners = await ownersFor(
      services,
      principal,
      page.items.map((link) => link.ownerId),
    )
    return c.json(
      {
        items: page.items.map((link) => linkJson(link, files.get(link.fileId) ?? null, now, undefined, owners.get(link.ownerId))),
        nextCursor: page.nextCursor,
      },
      200,
    )
  })
}
