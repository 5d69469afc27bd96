import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { KEY_OR_REQUEST_TOKEN, storageFailure, visibleUpload } from './common'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/uploads/{id}',
  tags: ['Uploads'],
  summary: 'Abort an upload',
  description:
    'Discards the parts received; through an upload request, the file gives its place back. Afterwards the upload answers 404, and so does aborting it again.',
  security: KEY_OR_REQUEST_TOKEN,
  request: { params: idParam('upload') },
  responses: {
    204: { description: 'Aborted.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found', 'upload_expired', 'upload_request_closed', 'storage_unavailable']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const upload = await visibleUpload(services, c.get('principal'), c.req.valid('param').id)
    try {
      await services.objects.abortMultipart(upload.objectKey, upload.handle!)
    } catch (error) {
      throw storageFailure(error, 'Storage did not discard the parts; try again.')
    }
    if (!(await services.state.dropUpload(upload.id))) throw new FuselinkError('not_found', 'No such upload.')
    return c.body(null, 204)
  })
}
