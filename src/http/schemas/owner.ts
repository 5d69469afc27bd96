import { z } from '@hono/zod-openapi'

export const OwnerSchema = z
  .object({
    kind: z
      .enum(['user', 'api_key'])
      .openapi({ description: 'A user (who owns what its keys and sessions make), or an API key that belongs to no user.' }),
    id: z.string().openapi({
      description: "The user's or the key's id (one id space); pass it as `?owner=` to list what it owns.",
      example: 'Hn4sW1cZ8e',
    }),
    name: z.string().nullable().openapi({ description: "The user's username, or the key's name.", example: 'alice' }),
  })
  .openapi('Owner', { description: 'Who owns a key, a file or a link (the last two shown to admins only).' })

/** `?owner=` of the file and link lists. */
export const OwnerQuery = z.object({
  owner: z.string().min(1).max(64).optional().openapi({
    description:
      "Only what this owner (an API key's or a user's id) owns. Admins may name anyone; any other caller only itself (403 `forbidden` otherwise).",
    example: 'Hn4sW1cZ8e',
  }),
})
