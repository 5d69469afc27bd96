import { createRoute } from '@hono/zod-openapi'
import { seconds } from '../../../core/clock'
import { FuselinkError } from '../../../core/errors'
import { parseDuration } from '../../../core/http/duration'
import { newId } from '../../../core/ids'
import { ownerOf, type UploadRequestRecord } from '../../../core/model'
import { BEARER, CHANGE_PROBLEMS, json, jsonBody, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { uploadRequestJson } from '../../present'
import { CreateUploadRequestBody, UploadRequestWithAccessSchema } from '../../schemas/upload-request'
import type { Services } from '../../services'
import { uploadRequestAccess } from './access'

const DEFAULT_MAX_FILES = 10

export const route = createRoute({
  method: 'post',
  path: '/api/v1/upload-requests',
  tags: ['Upload requests'],
  summary: 'Request files',
  description:
    "Makes a page (`url`, `/u/<token>`) where anyone who has the link can upload files to you, without an account, until it expires, is closed or is full. The files are yours, marked with `uploadRequestId`. Its token is accepted as a bearer credential by the `/api/v1/uploads` routes and `POST /api/v1/files` only, and only for this request's uploads.",
  security: BEARER,
  request: { body: jsonBody(CreateUploadRequestBody) },
  responses: {
    201: { ...json(UploadRequestWithAccessSchema, 'The new request, with its token and page.'), headers: LOCATION },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'payload_too_large']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const ttl = parseDuration(body.expiresIn)
    if (ttl === null) throw new FuselinkError('invalid_request', 'expiresIn: give seconds or a duration such as "90m", "24h" or "7d"')
    if (ttl > services.config.maxLinkTtl) {
      throw new FuselinkError('invalid_request', `expiresIn: at most ${services.config.maxLinkTtl} seconds (MAX_LINK_TTL)`)
    }
    const now = services.clock.now()
    // Whole seconds, as the token carries them.
    const createdAt = seconds(now) * 1000
    const request: UploadRequestRecord = {
      id: newId(),
      ownerId: ownerOf(c.get('principal')),
      message: body.message?.trim() ? body.message.trim() : null,
      maxFiles: body.maxFiles ?? DEFAULT_MAX_FILES,
      maxBytes: body.maxBytes ?? services.config.maxUploadBytes,
      files: 0,
      bytes: 0,
      heldFiles: 0,
      heldBytes: 0,
      createdAt,
      expiresAt: createdAt + ttl * 1000,
      revokedAt: null,
    }
    await services.state.insertUploadRequest(request)
    const access = await uploadRequestAccess(services, request)
    return c.json(uploadRequestJson(request, now, access), 201, { Location: `/api/v1/upload-requests/${request.id}` })
  })
}
