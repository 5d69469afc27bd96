import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { multipartBoundary, readMultipartFile } from '../../../core/http/multipart'
import { newId } from '../../../core/ids'
import { type FileRecord, ownerOf } from '../../../core/model'
import { ObjectTooLargeError } from '../../../core/ports'
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
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'payload_too_large', 'storage_unavailable']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const { maxUploadBytes } = services.config
    const declared = Number(c.req.header('content-length') ?? NaN)
    if (declared > maxUploadBytes) throw new FuselinkError('payload_too_large', `Uploads are limited to ${maxUploadBytes} bytes.`)
    const stream = c.req.raw.body
    if (!stream) throw new FuselinkError('invalid_request', 'The request has no body.')

    const { name } = c.req.valid('query')
    const boundary = multipartBoundary(c.req.header('content-type'))
    let source: { name: string; contentType: string; body: ReadableStream<Uint8Array> }
    if (boundary) {
      const part = await readMultipartFile(stream, boundary)
      source = { name: fileName(name ?? part.filename), contentType: mediaType(part.contentType), body: part.body }
    } else {
      source = { name: fileName(name), contentType: mediaType(c.req.header('content-type')), body: stream }
    }

    const id = newId()
    const objectKey = `files/${id}`
    let stored
    try {
      stored = await services.objects.put(objectKey, source.body, { contentType: source.contentType, maxBytes: maxUploadBytes })
    } catch (error) {
      if (error instanceof ObjectTooLargeError)
        throw new FuselinkError('payload_too_large', `Uploads are limited to ${maxUploadBytes} bytes.`)
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
    await services.state.insertFile(file)
    return c.json(fileJson(file, await ownerFor(services, c.get('principal'), file.ownerId)), 201, { Location: `/api/v1/files/${id}` })
  })
}
