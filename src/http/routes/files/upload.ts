import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { MULTIPART_FRAMING_BYTES, multipartBoundary, readMultipartFile } from '../../../core/http/multipart'
import { newId } from '../../../core/ids'
import { type FileRecord, ownerOf } from '../../../core/model'
import { SERVICE_OBJECT_PREFIX } from '../../../core/object-key'
import { ObjectTooLargeError, StorageFullError } from '../../../core/ports'
import { BEARER, CHANGE_PROBLEMS, json, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { fileJson } from '../../present'
import { FileSchema, UploadQuery } from '../../schemas/file'
import type { Services } from '../../services'
import { fileName, mediaType } from './naming'

const BYTES = { type: 'string' as const, contentMediaType: 'application/octet-stream' }

// The body is described here but has no zod schema, so no validator reads it:
// it streams from the request to storage, never held whole in memory.
export const route = createRoute({
  method: 'post',
  path: '/api/v1/files',
  tags: ['Files'],
  summary: 'Upload a file',
  description:
    "The request body is the file, streamed to storage as it arrives. Send it raw with `?name=` and the file's own `Content-Type`, or as `multipart/form-data` with the field `file` (as a browser form does). Larger than `MAX_UPLOAD_BYTES` is refused with 413, by `Content-Length` up front or while streaming.",
  security: BEARER,
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
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'payload_too_large', 'storage_unavailable', 'insufficient_storage']),
  },
})

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

    // An empty ?name= is no name: a form's part still names the file.
    const { name: given } = c.req.valid('query')
    const name = given?.trim() ? given : undefined
    let source: { name: string; contentType: string; body: ReadableStream<Uint8Array>; maxBytes: number }
    if (boundary) {
      const part = await readMultipartFile(stream, boundary, { maxBytes: maxUploadBytes })
      source = {
        name: fileName(name ?? part.filename),
        contentType: mediaType(part.contentType),
        body: part.body,
        // The parts skipped to reach the file count against the limit.
        maxBytes: maxUploadBytes - part.skipped,
      }
    } else {
      source = { name: fileName(name), contentType: mediaType(c.req.header('content-type')), body: stream, maxBytes: maxUploadBytes }
    }

    const id = newId()
    const objectKey = `${SERVICE_OBJECT_PREFIX}${id}`
    let stored
    try {
      stored = await services.objects.put(objectKey, source.body, { contentType: source.contentType, maxBytes: source.maxBytes })
    } catch (error) {
      if (error instanceof ObjectTooLargeError) throw tooLarge()
      if (error instanceof StorageFullError)
        throw new FuselinkError('insufficient_storage', 'Storage is full; nothing was stored.', { cause: error })
      if (error instanceof FuselinkError) throw error
      throw new FuselinkError('storage_unavailable', 'The file could not be stored.', { cause: error })
    }
    const file: FileRecord = {
      id,
      ownerId: ownerOf(c.get('principal')),
      name: source.name,
      size: stored.size,
      contentType: source.contentType,
      sha256: stored.sha256,
      objectKey,
      createdAt: services.clock.now(),
      deletedAt: null,
    }
    try {
      await services.state.insertFile(file)
    } catch (error) {
      // No record, no object: an object nothing points at would never be deleted.
      await services.objects.delete(objectKey).catch(() => {})
      throw error
    }
    services.metrics.uploaded(stored.size)
    return c.json(fileJson(file, await ownerFor(services, c.get('principal'), file.ownerId)), 201, { Location: `/api/v1/files/${id}` })
  })
}
