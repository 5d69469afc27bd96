import { createRoute } from '@hono/zod-openapi'
import { seconds } from '../../../core/clock'
import { FuselinkError } from '../../../core/errors'
import { safeFilename } from '../../../core/http/disposition'
import { newId } from '../../../core/ids'
import { lifetimeSeconds } from '../../../core/link/changes'
import { type LinkRecord, ownerOf } from '../../../core/model'
import { hashPassword } from '../../../core/password'
import { BEARER, CHANGE_PROBLEMS, json, jsonBody, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { linkJson } from '../../present'
import { IssueBody, LinkWithAccessSchema } from '../../schemas/link'
import type { Services } from '../../services'
import { visibleFile } from '../files/visible'
import { linkAccess } from './access'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/links',
  tags: ['Links'],
  summary: 'Issue a link',
  description:
    'Issues a signed link to a file the caller may see. `url` is the page to send people (its Download button starts the download, so mail scanners and chat previews do not use one up); `downloadUrl` is the file itself, for programs. With a `password`, downloads need it (the page asks for it; programs send `Link-Password`); only its hash is kept. A `message` is shown on the page with the sender’s name.',
  security: BEARER,
  request: { body: jsonBody(IssueBody) },
  responses: {
    201: { ...json(LinkWithAccessSchema, 'The new link, with its token and URLs.'), headers: LOCATION },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'not_found', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const principal = c.get('principal')
    const file = await visibleFile(services, principal, body.fileId)

    const ttl = lifetimeSeconds(body.expiresIn, services.config.maxLinkTtl)
    const now = services.clock.now()
    // Whole seconds, as the token carries them.
    const createdAt = seconds(now) * 1000
    const expiresAt = createdAt + ttl * 1000
    const notBefore = body.notBefore === undefined ? null : Date.parse(body.notBefore)
    if (notBefore !== null && notBefore >= expiresAt) {
      throw new FuselinkError('invalid_request', 'notBefore: must be before the link expires')
    }

    const link: LinkRecord = {
      id: newId(),
      fileId: file.id,
      ownerId: ownerOf(principal),
      issuerKeyId: principal.kind === 'api_key' ? principal.id : null,
      filename: body.filename === undefined ? null : safeFilename(body.filename),
      message: body.message === undefined || body.message.trim() === '' ? null : body.message,
      passwordHash: body.password === undefined ? null : await hashPassword(body.password),
      maxDownloads: body.maxDownloads,
      size: file.size,
      downloads: 0,
      charged: 0,
      refunded: 0,
      createdAt,
      notBefore,
      expiresAt,
      revokedAt: null,
      lastDownloadAt: null,
      note: body.note ?? null,
    }
    await services.state.insertLink(link)
    const access = await linkAccess(services, link)
    const owner = await ownerFor(services, principal, link.ownerId)
    return c.json(linkJson(link, file, now, access, owner), 201, { Location: `/api/v1/links/${link.id}` })
  })
}
