import { z } from '@hono/zod-openapi'
import { pageOf } from './page'

export const MAX_REQUEST_FILES = 10_000
export const MAX_MESSAGE_LENGTH = 500

const time = (description: string) =>
  z.string().openapi({ format: 'date-time', description: `${description} ISO 8601, UTC.`, example: '2026-02-07T17:05:00.000Z' })

export const UploadRequestSchema = z
  .object({
    id: z.string().openapi({ example: 'R4tQw8Lm2c' }),
    expiresAt: time('When the request stops taking new files.'),
    maxFiles: z.number().int().openapi({ description: 'Files the request takes in all.', example: 10 }),
    maxBytes: z.number().int().openapi({ description: 'Bytes the request takes in all.', example: 5368709120 }),
    files: z.number().int().openapi({ description: 'Files received so far (live).', example: 2 }),
    bytes: z.number().int().openapi({ description: 'Bytes of the files received so far (live).', example: 7340032 }),
    pendingFiles: z.number().int().openapi({
      description: 'Uploads under way through the request: each holds its place in `maxFiles` and `maxBytes` until it ends.',
      example: 1,
    }),
    pendingBytes: z.number().int().openapi({ description: 'Bytes those uploads hold.', example: 1048576 }),
    message: z.string().nullable().openapi({
      description: 'Your words to the people uploading, shown on the page; `null` when none.',
      example: 'Send the signed forms here.',
    }),
    status: z.enum(['open', 'expired', 'revoked', 'full']).openapi({
      description: '`full` once `files` reaches `maxFiles` or `bytes` reaches `maxBytes`.',
      example: 'open',
    }),
    createdAt: time('When the request was made.'),
    revokedAt: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'When it was closed; `null` when it was not.', example: null }),
  })
  .openapi('UploadRequest', { description: 'A request for files, with live counters. Lists show it without its token.' })

export const UploadRequestWithAccessSchema = UploadRequestSchema.extend({
  token: z.string().openapi({ description: 'The signed token (a JWT with `typ` `fuselink-upload+jwt`).' }),
  url: z.string().openapi({ description: 'The page to send people: `PUBLIC_URL/u/<token>`.', example: 'https://files.example.com/u/eyJ…' }),
}).openapi('UploadRequestWithAccess', {
  description: 'A request with its token and page URL: in the answer that creates it and in `GET /api/v1/upload-requests/{id}`.',
})

export const UploadRequestPageSchema = pageOf(UploadRequestSchema, 'UploadRequestPage')

export const CreateUploadRequestBody = z.object({
  expiresIn: z.union([z.number(), z.string()]).openapi({
    description: 'How long the request takes files: whole seconds, or `"90m"`, `"24h"`, `"7d"`, as for links (at most `MAX_LINK_TTL`).',
    example: '7d',
  }),
  maxFiles: z
    .number()
    .int()
    .min(1)
    .max(MAX_REQUEST_FILES)
    .optional()
    .openapi({ description: 'Files it takes in all; 10 when absent.', example: 10 }),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: 'Bytes it takes in all; `MAX_UPLOAD_BYTES` when absent.', example: 1073741824 }),
  message: z
    .string()
    .max(MAX_MESSAGE_LENGTH)
    .optional()
    .openapi({
      description: `Your words to the people uploading, at most ${MAX_MESSAGE_LENGTH} characters.`,
      example: 'Send the signed forms here.',
    }),
})
