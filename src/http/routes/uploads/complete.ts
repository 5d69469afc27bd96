import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import type { FileRecord, UploadRecord } from '../../../core/model'
import { type PutResult, type StoredPart, UploadMissingError } from '../../../core/ports'
import { missingParts, partLength } from '../../../core/upload/plan'
import { CHANGE_PROBLEMS, json, LOCATION, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { fileJson } from '../../present'
import { FileSchema } from '../../schemas/file'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { KEY_OR_REQUEST_TOKEN, storageFailure, visibleUpload } from './common'

export const route = createRoute({
  method: 'post',
  path: '/api/v1/uploads/{id}/complete',
  tags: ['Uploads'],
  summary: 'Complete an upload',
  description:
    'Joins the parts into the file, which answers exactly as a one-request upload would (with its `sha256`). With parts missing it is 409 `upload_incomplete`, naming them in `missing`, and nothing is stored. Afterwards the upload answers 404.',
  security: KEY_OR_REQUEST_TOKEN,
  request: { params: idParam('upload') },
  responses: {
    201: { ...json(FileSchema, 'The file.'), headers: LOCATION },
    ...problems([
      ...CHANGE_PROBLEMS,
      'not_found',
      'upload_incomplete',
      'upload_expired',
      'upload_request_closed',
      'storage_unavailable',
      'insufficient_storage',
    ]),
  },
})

function incomplete(missing: number[]): FuselinkError {
  const shown = missing.length > 20 ? `${missing.slice(0, 20).join(', ')}, …` : missing.join(', ')
  return new FuselinkError('upload_incomplete', `Parts missing: ${shown}. Send them, then complete again.`, { extensions: { missing } })
}

/**
 * The parts to join, as storage holds them, each checked against its
 * length. A part the database counts but storage lacks (or holds at another
 * length) is forgotten and named missing: nothing is joined from it.
 */
async function partsToJoin(services: Services, upload: UploadRecord): Promise<StoredPart[] | null> {
  let stored: StoredPart[]
  try {
    stored = await services.objects.listParts(upload.objectKey, upload.handle!)
  } catch (error) {
    // Already joined by an earlier call whose answer was lost: completing
    // again answers the object as it is (MultipartStore.completeMultipart).
    if (error instanceof UploadMissingError) return null
    throw error
  }
  const byNumber = new Map(stored.map((part) => [part.number, part]))
  const wrong: number[] = []
  const parts: StoredPart[] = []
  for (let number = 1; number <= upload.parts; number++) {
    const part = byNumber.get(number)
    if (part && part.size === partLength(upload, number)) parts.push(part)
    else wrong.push(number)
  }
  if (wrong.length > 0) {
    await services.state.forgetParts(upload.id, wrong)
    throw incomplete(wrong)
  }
  return parts
}

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const upload = await visibleUpload(services, c.get('principal'), c.req.valid('param').id)
    const missing = missingParts(upload, await services.state.receivedParts(upload.id))
    if (missing.length > 0) throw incomplete(missing)

    let joined: PutResult
    try {
      const parts = await partsToJoin(services, upload)
      joined = await services.objects.completeMultipart(upload.objectKey, upload.handle!, parts ?? [])
    } catch (error) {
      if (error instanceof UploadMissingError) throw new FuselinkError('not_found', 'No such upload.')
      throw storageFailure(error, 'The parts could not be joined; complete again.')
    }
    if (joined.size !== upload.size) {
      throw new FuselinkError('internal_error', `The joined file is ${joined.size} bytes, not ${upload.size}.`)
    }

    const file: FileRecord = {
      id: upload.fileId,
      ownerId: upload.ownerId,
      name: upload.name,
      size: joined.size,
      contentType: upload.contentType,
      sha256: joined.sha256,
      objectKey: upload.objectKey,
      createdAt: services.clock.now(),
      deletedAt: null,
      uploadRequestId: upload.requestId,
    }
    const finished = await services.state.finishUpload(upload.id, file)
    if (!finished) {
      // Completed at the same time by another call: its file is this one.
      const done = await services.state.getFile(upload.fileId)
      if (!done) throw new FuselinkError('not_found', 'No such upload.')
      return c.json(fileJson(done, await ownerFor(services, c.get('principal'), done.ownerId)), 201, {
        Location: `/api/v1/files/${done.id}`,
      })
    }
    if (finished.queued > 0) services.sendWebhooks(c)
    services.metrics.uploaded(file.size)
    return c.json(fileJson(file, await ownerFor(services, c.get('principal'), file.ownerId)), 201, { Location: `/api/v1/files/${file.id}` })
  })
}
