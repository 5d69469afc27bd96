import { z } from '@hono/zod-openapi'

const time = (description: string) =>
  z.string().openapi({ format: 'date-time', description: `${description} ISO 8601, UTC.`, example: '2026-02-01T17:05:00.000Z' })

export const UploadSchema = z
  .object({
    id: z.string().openapi({ example: 'U7mKq2Zp4x' }),
    name: z.string().openapi({ description: "The file's name.", example: 'site-backup.tar' }),
    size: z.number().int().min(1).openapi({ description: "The file's size in bytes, as declared at creation.", example: 2147483648 }),
    contentType: z.string().openapi({ description: "The file's media type.", example: 'application/x-tar' }),
    partSize: z.number().int().openapi({
      description:
        'Bytes in every part but the last, which holds the rest. At most 64 MiB, and at least 5 MiB unless the file is one part (then it is the file size).',
      example: 16777216,
    }),
    parts: z.number().int().min(1).openapi({ description: 'How many parts: part numbers run from 1 to this.', example: 128 }),
    received: z
      .array(z.number().int())
      .openapi({ description: 'Numbers of the parts the service holds, ascending. Send the others.', example: [1, 2, 4] }),
    expiresAt: time('Until when the parts are kept; later the upload answers 410 `upload_expired` and its parts are removed.'),
    createdAt: time('When the upload started.'),
  })
  .openapi('Upload', { description: 'An upload in parts, until it is completed or aborted.' })

export const CreateUploadBody = z.object({
  name: z.string().min(1).max(1024).openapi({ description: "The file's name.", example: 'site-backup.tar' }),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({
    description: 'Exact size in bytes, at least 1 (send an empty file with `POST /api/v1/files`). Over `MAX_UPLOAD_BYTES` is 413.',
    example: 2147483648,
  }),
  contentType: z
    .string()
    .max(255)
    .optional()
    .openapi({ description: "The file's media type; `application/octet-stream` when absent.", example: 'application/x-tar' }),
})

export const PartParams = z.object({
  id: z.string().openapi({ description: "The upload's id.", example: 'U7mKq2Zp4x' }),
  n: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a part number')
    .openapi({ description: 'The part number, from 1 to `parts`.', example: '1' }),
})

export const PartSchema = z
  .object({
    part: z.number().int().openapi({ description: 'The part number.', example: 1 }),
    size: z.number().int().openapi({ description: 'Its bytes, as received and checked.', example: 16777216 }),
  })
  .openapi('UploadPart', { description: 'A part the service now holds.' })
