import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { FuselinkError } from '../../core/errors'
import { safeFilename } from '../../core/http/disposition'
import { multipartBoundary, readMultipartFile } from '../../core/http/multipart'
import { newId } from '../../core/ids'
import type { FileRecord, Principal } from '../../core/model'
import { isSafeObjectKey } from '../../core/object-key'
import { ObjectTooLargeError } from '../../core/ports'
import { canSee, requireAdmin } from '../middleware/auth'
import { fileJson } from '../present'
import type { AppEnv, Services } from '../services'
import { valid } from '../validation'

const CONTENT_TYPE =
  /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\r\n]{0,200}"|[a-z0-9!#$&^_.+-]{1,200}))*$/i
const DEFAULT_TYPE = 'application/octet-stream'

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
})

const importBody = z.object({
  key: z.string().min(1).max(1024).refine(isSafeObjectKey, 'must be a plain relative object key'),
  name: z.string().min(1).max(255).optional(),
})

function mediaType(value: string | null | undefined): string {
  const type = value?.trim()
  if (!type) return DEFAULT_TYPE
  if (type.length > 255 || !CONTENT_TYPE.test(type)) throw new FuselinkError('invalid_request', 'Content-Type is not a valid media type')
  return type
}

function fileName(value: string | null | undefined): string {
  if (!value || value.length > 1024 || value.trim() === '') {
    throw new FuselinkError('invalid_request', 'name: give the file a name (?name= for raw uploads)')
  }
  return safeFilename(value)
}

/** A file the caller may see, or 404 for anything else. */
export async function visibleFile(services: Services, principal: Principal, id: string): Promise<FileRecord> {
  const file = await services.state.getFile(id)
  if (!file || file.deletedAt !== null || !canSee(principal, file.ownerId)) throw new FuselinkError('not_found', 'No such file.')
  return file
}

async function upload(services: Services, c: Context<AppEnv>): Promise<Response> {
  const { maxUploadBytes } = services.config
  const declared = Number(c.req.header('content-length') ?? NaN)
  if (declared > maxUploadBytes) throw new FuselinkError('payload_too_large', `Uploads are limited to ${maxUploadBytes} bytes.`)
  const stream = c.req.raw.body
  if (!stream) throw new FuselinkError('invalid_request', 'The request has no body.')

  const boundary = multipartBoundary(c.req.header('content-type'))
  let source: { name: string; contentType: string; body: ReadableStream<Uint8Array> }
  if (boundary) {
    const part = await readMultipartFile(stream, boundary)
    source = { name: fileName(c.req.query('name') ?? part.filename), contentType: mediaType(part.contentType), body: part.body }
  } else {
    source = { name: fileName(c.req.query('name')), contentType: mediaType(c.req.header('content-type')), body: stream }
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
    ownerId: c.get('principal').keyId,
    name: source.name,
    size: stored.size,
    contentType: source.contentType,
    sha256: stored.sha256,
    objectKey,
    createdAt: services.clock.now(),
    deletedAt: null,
  }
  await services.state.insertFile(file)
  return c.json(fileJson(file), 201, { Location: `/api/v1/files/${id}` })
}

export function fileRoutes(services: Services) {
  return new Hono<AppEnv>()
    .post('/', (c) => upload(services, c))
    .post('/import', requireAdmin, valid('json', importBody), async (c) => {
      const { key, name } = c.req.valid('json')
      let info
      try {
        info = await services.objects.head(key)
      } catch (cause) {
        throw new FuselinkError('storage_unavailable', 'Storage did not answer.', { cause })
      }
      if (!info) throw new FuselinkError('not_found', `There is no object "${key}" in storage.`)
      const id = newId()
      const file: FileRecord = {
        id,
        ownerId: c.get('principal').keyId,
        name: fileName(name ?? key.split('/').pop()),
        size: info.size,
        contentType: info.contentType && CONTENT_TYPE.test(info.contentType) ? info.contentType : DEFAULT_TYPE,
        sha256: null,
        objectKey: key,
        createdAt: services.clock.now(),
        deletedAt: null,
      }
      await services.state.insertFile(file)
      return c.json(fileJson(file), 201, { Location: `/api/v1/files/${id}` })
    })
    .get('/', valid('query', listQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query')
      const principal = c.get('principal')
      const page = await services.state.listFiles({
        limit,
        cursor,
        ownerId: principal.role === 'admin' ? undefined : principal.keyId,
      })
      return c.json({ items: page.items.map(fileJson), nextCursor: page.nextCursor })
    })
    .get('/:id', async (c) => c.json(fileJson(await visibleFile(services, c.get('principal'), c.req.param('id')))))
    .delete('/:id', async (c) => {
      const file = await visibleFile(services, c.get('principal'), c.req.param('id'))
      try {
        await services.objects.delete(file.objectKey)
      } catch (cause) {
        throw new FuselinkError('storage_unavailable', 'The file could not be deleted from storage; try again.', { cause })
      }
      await services.state.markFileDeleted(file.id, services.clock.now())
      return c.body(null, 204)
    })
}
