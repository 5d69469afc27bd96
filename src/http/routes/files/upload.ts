import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { FuselinkError } from '../../../core/errors'
import { MULTIPART_FRAMING_BYTES, multipartBoundary, readMultipartFile } from '../../../core/http/multipart'
import { newId } from '../../../core/ids'
import { type FileRecord, ownerOf, type UploadRecord } from '../../../core/model'
import { SERVICE_OBJECT_PREFIX } from '../../../core/object-key'
import { ObjectTooLargeError } from '../../../core/ports'
import { CHANGE_PROBLEMS, json, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { fileJson } from '../../present'
import { FileSchema, UploadQuery } from '../../schemas/file'
import type { AppEnv, Services } from '../../services'
import { KEY_OR_REQUEST_TOKEN, storageFailure } from '../uploads/common'
import { requestOpenFor, startRefusal } from '../uploads/request-room'
import { DEFAULT_TYPE, fileName, mediaType } from './naming'

const BYTES = { type: 'string' as const, contentMediaType: 'application/octet-stream' }

// The body is described here but has no zod schema, so no validator reads it:
// it streams from the request to storage, never held whole in memory.
export const route = createRoute({
  method: 'post',
  path: '/api/v1/files',
  tags: ['Files'],
  summary: 'Upload a file',
  description:
    "The request body is the file, streamed to storage as it arrives. Send it raw with `?name=` and the file's own `Content-Type`, or as `multipart/form-data` with the field `file` (as a browser form does). Larger than `MAX_UPLOAD_BYTES` is refused with 413, by `Content-Length` up front or while streaming. For files larger than a request may carry, or over connections that may drop, use the uploads in parts (`/api/v1/uploads`). With an upload request's token the file goes to the request's owner and counts against the request's limits before its bytes are stored (`Content-Length` is then required; past `maxBytes` is 413, past `maxFiles` or on a closed request 410 `upload_request_closed`).",
  security: KEY_OR_REQUEST_TOKEN,
  request: {
    query: UploadQuery,
    body: {
      required: true,
      description: 'The file.',
      content: {
        '*/*': { schema: { ...BYTES, description: "The file's bytes; `Content-Type` is stored as the file's type." } },
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { file: { ...BYTES, description: "The file; its part's filename and type are used." } },
            required: ['file'],
          },
        },
      },
    },
  },
  responses: {
    201: { ...json(FileSchema, 'The stored file.'), headers: LOCATION },
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

/**
 * Through an upload request the file takes its place in the request's
 * limits before any byte is stored: as an upload row holding its declared
 * length (the request's bytes are counted by Content-Length, an upper bound
 * for a form), released if the upload fails and settled to the real size
 * when it is recorded.
 */
async function holdPlace(services: Services, c: Context<AppEnv>, requestId: string, fileId: string, declared: number) {
  await requestOpenFor(services, c, requestId, declared)
  const now = services.clock.now()
  const hold: UploadRecord = {
    id: newId(),
    ownerId: ownerOf(c.get('principal')),
    requestId,
    fileId,
    objectKey: `${SERVICE_OBJECT_PREFIX}${fileId}`,
    handle: null,
    name: 'upload',
    size: declared,
    contentType: DEFAULT_TYPE,
    partSize: declared,
    parts: 1,
    createdAt: now,
    expiresAt: now + services.config.uploadTtl * 1000,
  }
  if (!(await services.state.startUpload(hold, now, services.config.maxUploadsInFlight))) throw await startRefusal(services, hold)
  return hold
}

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { maxUploadBytes } = services.config
    const tooLarge = () => new FuselinkError('payload_too_large', `Uploads are limited to ${maxUploadBytes} bytes.`)
    const boundary = multipartBoundary(c.req.header('content-type'))
    // A form's delimiters and part headers are not the file: they may add a bounded amount on top.
    const declared = Number(c.req.header('content-length') ?? NaN)
    if (declared > maxUploadBytes + (boundary ? MULTIPART_FRAMING_BYTES : 0)) throw tooLarge()
    const stream = c.req.raw.body
    if (!stream) throw new FuselinkError('invalid_request', 'The request has no body.')

    const id = newId()
    const objectKey = `${SERVICE_OBJECT_PREFIX}${id}`
    const principal = c.get('principal')
    const requestId = principal.kind === 'upload_request' ? principal.id : null
    let hold: UploadRecord | null = null
    if (requestId !== null) {
      if (!Number.isSafeInteger(declared)) {
        throw new FuselinkError('invalid_request', 'Content-Length: required for uploads through an upload request.')
      }
      hold = await holdPlace(services, c, requestId, id, declared)
    }
    // Through an upload request the file may not outgrow the length it declared.
    const limit = hold ? Math.min(maxUploadBytes, declared) : maxUploadBytes

    let file: FileRecord
    try {
      // An empty ?name= is no name: a form's part still names the file.
      const { name: given } = c.req.valid('query')
      const name = given?.trim() ? given : undefined
      let source: { name: string; contentType: string; body: ReadableStream<Uint8Array>; maxBytes: number }
      if (boundary) {
        const part = await readMultipartFile(stream, boundary, { maxBytes: limit })
        source = {
          name: fileName(name ?? part.filename),
          contentType: mediaType(part.contentType),
          body: part.body,
          // The parts skipped to reach the file count against the limit.
          maxBytes: limit - part.skipped,
        }
      } else {
        source = { name: fileName(name), contentType: mediaType(c.req.header('content-type')), body: stream, maxBytes: limit }
      }
      let stored
      try {
        stored = await services.objects.put(objectKey, source.body, { contentType: source.contentType, maxBytes: source.maxBytes })
      } catch (error) {
        if (error instanceof ObjectTooLargeError) throw new FuselinkError('payload_too_large', `Uploads are limited to ${limit} bytes.`)
        throw storageFailure(error, 'The file could not be stored.')
      }
      file = {
        id,
        ownerId: ownerOf(principal),
        name: source.name,
        size: stored.size,
        contentType: source.contentType,
        sha256: stored.sha256,
        objectKey,
        createdAt: services.clock.now(),
        deletedAt: null,
        uploadRequestId: requestId,
      }
    } catch (error) {
      if (hold) await services.state.dropUpload(hold.id)
      throw error
    }
    let queued = 0
    try {
      if (!hold) {
        await services.state.insertFile(file)
      } else {
        const finished = await services.state.finishUpload(hold.id, file)
        // The place it held was taken back meanwhile (the request was closed, or the upload outlived UPLOAD_TTL).
        if (!finished)
          throw new FuselinkError('upload_request_closed', 'The upload request was closed while the file was arriving; it was not kept.')
        queued = finished.queued
      }
    } catch (error) {
      // No record, no object: an object nothing points at would never be deleted.
      await services.objects.delete(objectKey).catch(() => {})
      throw error
    }
    if (queued > 0) services.sendWebhooks(c)
    services.metrics.uploaded(file.size)
    return c.json(fileJson(file, await ownerFor(services, c.get('principal'), file.ownerId)), 201, { Location: `/api/v1/files/${id}` })
  })
}
