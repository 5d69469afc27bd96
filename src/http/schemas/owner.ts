import { z } from '@hono/zod-openapi'

export const OwnerSchema = z
  .object({
    kind: z.enum(['api_key', 'user']).openapi({ description: 'An API key, or a user (who owns what its keys and sessions make).' }),
    id: z
      .string()
      .openapi({ description: "The key's or the user's id; pass it as `?owner=` to list what it owns.", example: 'Hn4sW1cZ8e' }),
    name: z.string().openapi({ description: "The key's name, or the user's username.", example: 'billing service' }),
  })
  .openapi('Owner', { description: 'Who owns a file or a link. Shown to admins only.' })

/** `?owner=` of the file and link lists. */
export const OwnerQuery = z.object({
  owner: z.string().min(1).max(64).optional().openapi({
    description:
      "Only what this owner (an API key's or a user's id) owns. Admins may name anyone; any other caller only itself (403 `forbidden` otherwise).",
    example: 'Hn4sW1cZ8e',
  }),
})
