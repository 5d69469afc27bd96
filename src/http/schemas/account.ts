import { z } from '@hono/zod-openapi'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/password'
import { pageOf } from './page'

/** 3 to 64 ASCII letters, digits, `.`, `_` and `-`; matched without case. */
export const USERNAME = /^[A-Za-z0-9._-]{3,64}$/
const USERNAME_MESSAGE = '3 to 64 letters, digits, ".", "_" or "-"'
const PASSWORD_MESSAGE = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`

export const Role = z.enum(['admin', 'user']).openapi({
  description: '`admin` sees and does everything; `user` sees only its own files, links and keys, and gets 403 on admin routes.',
})

const time = (description: string) => z.string().openapi({ format: 'date-time', description: `${description} ISO 8601, UTC.` })

export const Username = z
  .string()
  .regex(USERNAME, USERNAME_MESSAGE)
  .openapi({ description: '3 to 64 letters (A–Z, a–z), digits, `.`, `_` or `-`; matched without case.', example: 'alice' })

export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, PASSWORD_MESSAGE)
  .max(PASSWORD_MAX_LENGTH, PASSWORD_MESSAGE)
  .openapi({ description: `${PASSWORD_MESSAGE}.`, example: 'correct horse battery staple' })

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: 'Ux7pQ2mK4z' }),
    username: z.string().openapi({ example: 'alice' }),
    role: Role,
    createdAt: time('When the user was created.'),
    disabledAt: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'When the user was disabled; `null` while enabled. ISO 8601, UTC.' }),
  })
  .openapi('User', { description: 'A person who signs in.' })

export const CreatedUserSchema = UserSchema.extend({
  inviteUrl: z.string().optional().openapi({
    description:
      'When the user was created without a password: the single-use page (`PUBLIC_URL/invite/<token>`) where the user chooses one. Valid `INVITE_TTL` seconds (7 days).',
    example: 'https://files.example.com/invite/eyJ…',
  }),
}).openapi('CreatedUser', { description: 'A new user; with an invite link when no password was given.' })

export const UserPageSchema = pageOf(UserSchema, 'UserPage')

export const CreateUserBody = z.object({
  username: Username,
  role: Role,
  password: Password.optional().openapi({
    description: `The user's password (${PASSWORD_MESSAGE}); without it the answer carries an invite link.`,
  }),
})

export const SignInBody = z.object({
  username: z.string().min(1).max(64).openapi({ description: 'The username, in any case.', example: 'alice' }),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH).openapi({ description: 'The password.', example: 'correct horse battery staple' }),
})

export const SessionSchema = z
  .object({
    user: UserSchema,
    expiresAt: time('When the session ends; sign in again then.'),
  })
  .openapi('Session', { description: 'A sign-in: the user, and when the session cookie stops working.' })

export const MeSchema = z
  .object({
    kind: z.enum(['user', 'api_key']).openapi({ description: 'A signed-in user, or an API key.' }),
    id: z.string().openapi({ description: "The user's or the key's id.", example: 'Ux7pQ2mK4z' }),
    name: z.string().openapi({ description: "The username, or the key's name.", example: 'alice' }),
    role: Role,
  })
  .openapi('Me', { description: 'Who is calling.' })

export const ChangePasswordBody = z.object({
  current: z.string().min(1).max(PASSWORD_MAX_LENGTH).openapi({ description: 'The password now.' }),
  new: Password.openapi({ description: `The new password (${PASSWORD_MESSAGE}).` }),
})
