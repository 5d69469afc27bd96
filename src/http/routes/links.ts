import { Hono } from 'hono'
import { z } from 'zod'
import { seconds } from '../../core/clock'
import { FuselinkError } from '../../core/errors'
import { safeFilename } from '../../core/http/disposition'
import { parseDuration } from '../../core/http/duration'
import { newId } from '../../core/ids'
import type { LinkRecord, Principal } from '../../core/model'
import { signLinkToken } from '../../core/token/sign'
import { canSee } from '../middleware/auth'
import { linkJson } from '../present'
import type { AppEnv, Services } from '../services'
import { valid } from '../validation'
import { listQuery, visibleFile } from './files'

/** The most downloads one link may allow; also keeps the token short. */
export const MAX_DOWNLOADS_LIMIT = 10_000

const issueBody = z.object({
  fileId: z.string().min(1).max(64),
  expiresIn: z.union([z.number(), z.string()]),
  maxDownloads: z.number().int().min(1).max(MAX_DOWNLOADS_LIMIT).default(1),
  filename: z.string().min(1).max(255).optional(),
  notBefore: z.iso.datetime({ offset: true }).optional(),
})

const revokeBody = z.object({ token: z.string().min(1).max(4096) })

/** The origin links are built on: PUBLIC_URL, or where the request came in (Workers without it). */
function baseUrl(services: Services, requestUrl: string): string {
  return services.config.publicUrl ?? new URL(requestUrl).origin
}

async function linkAccess(services: Services, link: LinkRecord, requestUrl: string) {
  const token = await signLinkToken(services.keys, {
    jti: link.id,
    fid: link.fileId,
    max: link.maxDownloads,
    iat: seconds(link.createdAt),
    exp: seconds(link.expiresAt),
  })
  const base = baseUrl(services, requestUrl)
  return { token, url: `${base}/s/${token}`, downloadUrl: `${base}/d/${token}` }
}

async function visibleLink(services: Services, principal: Principal, id: string) {
  const target = await services.state.getLinkTarget(id)
  if (!target || !canSee(principal, target.link.ownerId)) throw new FuselinkError('not_found', 'No such link.')
  return target
}

export function linkRoutes(services: Services) {
  return new Hono<AppEnv>()
    .post('/', valid('json', issueBody), async (c) => {
      const body = c.req.valid('json')
      const principal = c.get('principal')
      const file = await visibleFile(services, principal, body.fileId)

      const ttl = parseDuration(body.expiresIn)
      if (ttl === null) throw new FuselinkError('invalid_request', 'expiresIn: give seconds or a duration such as "90m", "24h" or "7d"')
      if (ttl > services.config.maxLinkTtl) {
        throw new FuselinkError('invalid_request', `expiresIn: at most ${services.config.maxLinkTtl} seconds (MAX_LINK_TTL)`)
      }
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
        ownerId: principal.keyId,
        filename: body.filename === undefined ? null : safeFilename(body.filename),
        maxDownloads: body.maxDownloads,
        size: file.size,
        downloads: 0,
        charged: 0,
        refunded: 0,
        createdAt,
        notBefore,
        expiresAt,
        revokedAt: null,
      }
      await services.state.insertLink(link)
      const access = await linkAccess(services, link, c.req.url)
      return c.json(linkJson(link, file, now, access), 201, { Location: `/api/v1/links/${link.id}` })
    })
    .get('/', valid('query', listQuery.extend({ fileId: z.string().min(1).max(64).optional() })), async (c) => {
      const { limit, cursor, fileId } = c.req.valid('query')
      const principal = c.get('principal')
      const file = fileId === undefined ? null : await services.state.getFile(fileId)
      if (fileId !== undefined && (!file || !canSee(principal, file.ownerId))) {
        throw new FuselinkError('not_found', 'No such file.')
      }
      const page = await services.state.listLinks({
        limit,
        cursor,
        fileId,
        ownerId: principal.role === 'admin' ? undefined : principal.keyId,
      })
      const now = services.clock.now()
      const files = new Map(file ? [[file.id, file]] : [])
      for (const link of page.items) {
        if (!files.has(link.fileId)) files.set(link.fileId, (await services.state.getFile(link.fileId))!)
      }
      return c.json({
        items: page.items.map((link) => linkJson(link, files.get(link.fileId) ?? null, now)),
        nextCursor: page.nextCursor,
      })
    })
    .post('/revoke', valid('json', revokeBody), async (c) => {
      const claims = await services.verifier.verify(c.req.valid('json').token)
      const target = await visibleLink(services, c.get('principal'), claims.jti)
      await services.state.revokeLink(target.link.id, services.clock.now())
      return c.body(null, 204)
    })
    .get('/:id', async (c) => {
      const { link, file } = await visibleLink(services, c.get('principal'), c.req.param('id'))
      return c.json(linkJson(link, file, services.clock.now(), await linkAccess(services, link, c.req.url)))
    })
    .delete('/:id', async (c) => {
      const { link } = await visibleLink(services, c.get('principal'), c.req.param('id'))
      await services.state.revokeLink(link.id, services.clock.now())
      return c.body(null, 204)
    })
}
