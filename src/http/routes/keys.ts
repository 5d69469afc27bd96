import { Hono } from 'hono'
import { z } from 'zod'
import { sha256Hex } from '../../core/encoding'
import { FuselinkError } from '../../core/errors'
import { newApiKeySecret, newId } from '../../core/ids'
import { requireAdmin } from '../middleware/auth'
import type { AppEnv, Services } from '../services'
import { valid } from '../validation'

const createBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(['admin', 'user']),
})

export function keyRoutes(services: Services) {
  return new Hono<AppEnv>()
    .use(requireAdmin)
    .post('/', valid('json', createBody), async (c) => {
      const { name, role } = c.req.valid('json')
      const secret = newApiKeySecret()
      const id = newId()
      await services.state.insertKey({
        id,
        name,
        role,
        hash: await sha256Hex(secret),
        createdAt: services.clock.now(),
        disabledAt: null,
      })
      // The only time the secret is ever shown.
      return c.json({ id, name, role, key: secret }, 201, { 'Cache-Control': 'no-store' })
    })
    .delete('/:id', async (c) => {
      const found = await services.state.disableKey(c.req.param('id'), services.clock.now())
      if (!found) throw new FuselinkError('not_found', 'No such key.')
      return c.body(null, 204)
    })
}
