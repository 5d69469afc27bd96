import { createRoute } from '@hono/zod-openapi'
import { API_KEY_PROBLEMS, BEARER, json, problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { ownerFor } from '../../owners'
import { fileJson } from '../../present'
import { FileSchema } from '../../schemas/file'
import { idParam } from '../../schemas/ids'
import type { Services } from '../../services'
import { visibleFile } from './visible'

export const route = createRoute({
  method: 'get',
  path: '/api/v1/files/{id}',
  tags: ['Files'],
  summary: 'Get a file',
  description: "Another owner's file, or a deleted one, answers 404.",
  security: BEARER,
  request: { params: idParam('file') },
  responses: {
    200: json(FileSchema, 'The file.'),
    ...problems([...API_KEY_PROBLEMS, 'not_found']),
  },
})

export function register(app: RouteApp, services: Services) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')
    const file = await visibleFile(services, principal, c.req.valid('param').id)
    return c.json(fileJson(file, await ownerFor(services, principal, file.ownerId)), 200)
  })
}
