import { z } from '@hono/zod-openapi'

const Role = z.enum(['admin', 'user']).openapi({
  description: '`admin` sees and does everything; `user` sees only its own files and links, and gets 403 on admin routes.',
})

export const CreateKeyBody = z.object({
  name: z.string().trim().min(1).max(100).openapi({ description: 'What the key is for, for people.', example: 'billing service' }),
  role: Role,
})

export const CreatedKeySchema = z
  .object({
    id: z.string().openapi({ example: 'Hn4sW1cZ8e' }),
    name: z.string().openapi({ example: 'billing service' }),
    role: Role,
    key: z.string().openapi({ description: 'The secret, shown this once; only its hash is kept.', example: 'fl_3q2…' }),
  })
  .openapi('CreatedKey', { description: 'A new API key, with its secret.' })
