import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { newId } from '../../../core/ids'
import { ownerOf, type Principal, type UploadRecord } from '../../../core/model'
import { SERVICE_OBJECT_PREFIX } from '../../../core/object-key'
import { planParts } from '../../../core/upload/plan'
import { CHANGE_PROBLEMS, json, jsonBody, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { uploadJson } from '../../present'
import { CreateUploadBody, UploadSchema } from '../../schemas/upload'
import type { Services } from '../../services'
import { fileName, mediaType } from '../files/naming'
import { KEY_OR_REQUEST_TOKEN, storageFailure } from './common'
import { requestOpenFor, startRefusal } from './request-room'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/uploads',
  tags: ['Uploads'],
  summary: 'Start an upload in parts',
  description:
    "Declares a file of `size` bytes and answers how to cut it: `partSize` and `parts`. Send each part with `PUT /api/v1/uploads/{id}/parts/{n}`, in any order and in parallel, then `POST /api/v1/uploads/{id}/complete`. Unfinished uploads expire after `UPLOAD_TTL`. One owner (or one upload request) holds at most `MAX_UPLOADS_IN_FLIGHT` unfinished uploads (409 `conflict`). Through an upload request's token the file takes its place in the request's limits now, before any byte is sent: past `maxBytes` is 413, past `maxFiles` or on a closed request 410 `upload_request_closed`.",
  security: KEY_OR_REQUEST_TOKEN,
  request: { body: jsonBody(CreateUploadBody) },
  responses: {
    201: { ...json(UploadSchema, 'The upload: where to send what.'), headers: LOCATION },
    ...problems([
      ...CHANGE_PROBLEMS,
      'invalid_request',
      'conflict',
      'upload_request_closed',
      'payload_too_large',
      'storage_unavailable',
      'insufficient_storage',
    ]),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const principal: Principal = c.get('principal')
    const { maxUploadBytes, uploadPartSize, uploadTtl, maxUploadsInFlight } = services.config
    const name = fileName(body.name)
    const contentType = mediaType(body.contentType)
    if (body.size > maxUploadBytes) throw new FuselinkError('payload_too_large', `Files are limited to ${maxUploadBytes} bytes.`)
    const plan = planParts(body.size, uploadPartSize)
    if (!plan) throw new FuselinkError('payload_too_large', 'The file is larger than 10,000 parts of 64 MiB.')
    const requestId = principal.kind === 'upload_request' ? principal.id : null
    if (requestId !== null) await requestOpenFor(services, c, requestId, body.size)

    const fileId = newId()
    const objectKey = `${SERVICE_OBJECT_PREFIX}${fileId}`
    const now = services.clock.now()
    const upload: UploadRecord = {
      id: newId(),
      ownerId: ownerOf(principal),
      requestId,
      fileId,
      objectKey,
      handle: null,
      name,
      size: body.size,
      contentType,
      partSize: plan.partSize,
      parts: plan.parts,
      createdAt: now,
      expiresAt: now + uploadTtl * 1000,
    }
    // The place first, storage after: of many racing for a request's last
    // place, those refused never reach storage.
    if (!(await services.state.startUpload(upload, now, maxUploadsInFlight))) throw await startRefusal(services, upload)
    let handle: string
    try {
      handle = await services.objects.createMultipart(objectKey, { contentType })
    } catch (error) {
      await services.state.dropUpload(upload.id)
      throw storageFailure(error, 'Storage did not start the upload; try again.')
    }
    if (!(await services.state.setUploadHandle(upload.id, handle))) {
      // Dropped meanwhile (its request was closed): nothing was sent yet.
      await services.objects.abortMultipart(objectKey, handle).catch(() => {})
      throw await startRefusal(services, upload)
    }
    upload.handle = handle
    return c.json(uploadJson(upload, []), 201, { Location: `/api/v1/uploads/${upload.id}` })
  })
}
