import { z } from '@hono/zod-openapi'
import { Role } from './account'
import { OwnerSchema } from './owner'
import { pageOf } from './page'

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

export const KeySchema = z
  .object({
    id: z.string().openapi({ example: 'Hn4sW1cZ8e' }),
    name: z.string().openapi({ example: 'billing service' }),
    role: Role,
    owner: OwnerSchema.nullable().openapi({
      description: 'The user the key belongs to, or the key (with no user) that made it; `null` for keys made before accounts existed.',
    }),
    createdAt: z.string().openapi({ format: 'date-time', description: 'When the key was made. ISO 8601, UTC.' }),
    disabledAt: z.string().nullable().openapi({ format: 'date-time', description: 'When the key was disabled; `null` while it works.' }),
  })
  .openapi('Key', { description: 'An API key, without its secret.' })

export const KeyPageSchema = pageOf(KeySchema, 'KeyPage')
