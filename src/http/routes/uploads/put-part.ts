import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { PartLengthError, UploadMissingError } from '../../../core/ports'
import { partLength } from '../../../core/upload/plan'
import { CHANGE_PROBLEMS, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { PartParams, PartSchema } from '../../schemas/upload'
import type { Services } from '../../services'
import { KEY_OR_REQUEST_TOKEN, storageFailure, visibleUpload } from './common'

// Like the one-request upload, the body is described without a zod schema,
// so that no validator reads it: it streams to storage as it arrives.
export const route = createRoute({
  method: 'put',
  path: '/api/v1/uploads/{id}/parts/{n}',
  tags: ['Uploads'],
  summary: 'Send a part',
  description:
    'The body is part `n`: exactly `partSize` bytes, the last part the rest. Any other length is 400 and nothing is kept (a `Content-Length` that says so is refused before the body is read). Parts go in any order and in parallel; a part sent again replaces the one before.',
  security: KEY_OR_REQUEST_TOKEN,
  request: {
    params: PartParams,
    body: {
      required: true,
      description: "The part's bytes.",
      content: { '*/*': { schema: { type: 'string' as const, contentMediaType: 'application/octet-stream' } } },
    },
  },
  responses: {
    200: json(PartSchema, 'The part is stored.'),
    ...problems([
      ...CHANGE_PROBLEMS,
      'invalid_request',
      'not_found',
      'upload_expired',
      'upload_request_closed',
      'storage_unavailable',
      'insufficient_storage',
    ]),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const params = c.req.valid('param')
    const upload = await visibleUpload(services, c.get('principal'), params.id)
    const number = Number(params.n)
    if (number < 1 || number > upload.parts) throw new FuselinkError('invalid_request', `n: parts are numbered 1 to ${upload.parts}`)
    const length = partLength(upload, number)
    const declared = c.req.header('content-length')
    if (declared !== undefined && Number(declared) !== length) {
      throw new FuselinkError('invalid_request', `Part ${number} is ${length} bytes, not ${declared}.`)
    }
    const body = c.req.raw.body
    if (!body) throw new FuselinkError('invalid_request', `Part ${number} is ${length} bytes; the request has no body.`)
    try {
      await services.objects.putPart(upload.objectKey, upload.handle!, number, body, length)
    } catch (error) {
      // A sender gone midway (its connection dropped) sent a part too short: its fault, not storage's.
      if (error instanceof PartLengthError || c.req.raw.signal.aborted)
        throw new FuselinkError('invalid_request', `Part ${number} is ${length} bytes; nothing was kept.`)
      if (error instanceof UploadMissingError) throw new FuselinkError('not_found', 'No such upload.')
      throw storageFailure(error, 'The part could not be stored; send it again.')
    }
    if (!(await services.state.recordPart(upload.id, { number, size: length }))) throw new FuselinkError('not_found', 'No such upload.')
    return c.json({ part: number, size: length }, 200)
  })
}
