import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { newId } from '../../../core/ids'
import { type FileRecord, ownerOf } from '../../../core/model'
import { ADMIN_ONLY, BEARER, CHANGE_PROBLEMS, json, jsonBody, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { fileJson } from '../../present'
import { FileSchema, ImportBody } from '../../schemas/file'
import type { Services } from '../../services'
import { CONTENT_TYPE, DEFAULT_TYPE, fileName } from './naming'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/files/import',
  tags: ['Files'],
  summary: 'Import an object from the bucket',
  description:
    'Registers an object already in storage as a file, without copying it: its size and type are read from storage. The way to share files larger than a request may carry.',
  security: BEARER,
  ...ADMIN_ONLY,
  request: { body: jsonBody(ImportBody) },
  responses: {
    201: { ...json(FileSchema, 'The registered file.'), headers: LOCATION },
    ...problems([...CHANGE_PROBLEMS, 'invalid_request', 'forbidden', 'not_found', 'payload_too_large', 'storage_unavailable']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
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
      ownerId: ownerOf(c.get('principal')),
      name: fileName(name ?? key.split('/').pop()),
      size: info.size,
      contentType: info.contentType && CONTENT_TYPE.test(info.contentType) ? info.contentType : DEFAULT_TYPE,
      sha256: null,
      objectKey: key,
      createdAt: services.clock.now(),
      deletedAt: null,
      uploadRequestId: null,
    }
    await services.state.insertFile(file)
    return c.json(fileJson(file, await ownerFor(services, c.get('principal'), file.ownerId)), 201, { Location: `/api/v1/files/${id}` })
  })
}
