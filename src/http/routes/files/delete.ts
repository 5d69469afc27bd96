import { createRoute } from '@hono/zod-openapi'
import { FuselinkError } from '../../../core/errors'
import { BEARER, CHANGE_PROBLEMS, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { visibleFile } from './visible'

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/files/{id}',
  tags: ['Files'],
  summary: 'Delete a file',
  description: 'Deletes the object from storage; every link to the file stops working (410 `file_gone`). Deleting it again answers 404.',
  security: BEARER,
  request: { params: idParam('file') },
  responses: {
    204: { description: 'Deleted.' },
    ...problems([...CHANGE_PROBLEMS, 'not_found', 'storage_unavailable']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const file = await visibleFile(services, c.get('principal'), c.req.valid('param').id)
    try {
      await services.objects.delete(file.objectKey)
    } catch (cause) {
      throw new FuselinkError('storage_unavailable', 'The file could not be deleted from storage; try again.', { cause })
    }
    await services.state.markFileDeleted(file.id, services.clock.now())
    return c.body(null, 204)
  })
}
