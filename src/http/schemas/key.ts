import { z } from '@hono/zod-openapi'

const Role = z.enum(['admin', 'user']).openapi({
  description: '`admin` sees and does everything; `user` sees only its own files and links, and gets 403 on admin routes.',
})

export const CreateKeyBody = z.object({
  name: z.string().trim().min(1).max(100).openapi({ description: 'What the key is for, for people.', example: 'billing service' }),
  role: Role,
})

export const DisableKeyQuery = z.object({
  revokeLinks: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true')
    .openapi({
      description:
        'With `true`, every link issued with this key is revoked too, in the same step (again on a repeated call: a key disabled earlier can still have its links revoked).',
      example: 'true',
    }),
})

export const CreatedKeySchema = z
  .object({
    id: z.string().openapi({ example: 'Hn4sW1cZ8e' }),
    name: z.string().openapi({ example: 'billing service' }),
    role: Role,
    key: z.string().openapi({ description: 'The secret, shown this once; only its hash is kept.', example: 'fl_3q2…' }),
  })
  .openapi('CreatedKey', { description: 'A new API key, with its secret.' })
