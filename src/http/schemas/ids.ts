import { z } from '@hono/zod-openapi'

/** A file, link or key id in the path. Anything that names no resource the caller may see is 404. */
export function idParam(what: string) {
  return z.object({
    id: z.string().openapi({ description: `The ${what}'s id.`, example: 'Qx3vR8kT2a' }),
  })
}
