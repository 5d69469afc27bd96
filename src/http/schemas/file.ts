import { z } from '@hono/zod-openapi'
import { isSafeObjectKey, isServiceObjectKey, SERVICE_OBJECT_PREFIX } from '../../core/object-key'
import { OwnerQuery, OwnerSchema } from './owner'
import { PageQuery, pageOf } from './page'

export const FileSchema = z
  .object({
    id: z.string().openapi({ example: 'Qx3vR8kT2a' }),
    name: z.string().openapi({ description: 'The name downloads are saved under, unless a link overrides it.', example: 'report.pdf' }),
    size: z.number().int().min(0).openapi({ description: 'Bytes.', example: 482113 }),
    contentType: z.string().openapi({ description: 'The stored media type.', example: 'application/pdf' }),
    sha256: z.string().optional().openapi({
      description: 'Hex SHA-256 of the bytes, computed while uploading; absent for imported objects.',
      example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    }),
    createdAt: z.string().openapi({ format: 'date-time', example: '2026-01-31T17:05:00.000Z' }),
    uploadRequestId: z
      .string()
      .optional()
      .openapi({ description: 'The upload request the file was received through; absent for your own uploads.', example: 'R4tQw8Lm2c' }),
    owner: OwnerSchema.optional(),
  })
  .openapi('File', { description: 'A stored file.' })

export const FilePageSchema = pageOf(FileSchema, 'FilePage')

export const FileListQuery = PageQuery.extend(OwnerQuery.shape)

const NAME_MESSAGE = 'give the file a name (?name= for raw uploads)'

export const UploadQuery = z.object({
  name: z.string().max(1024, NAME_MESSAGE).optional().openapi({
    description:
      "The file's name. Required for a raw body; for multipart it defaults to the part's filename. Characters a file name cannot hold are replaced.",
    example: 'report.pdf',
  }),
})

export const ImportBody = z.object({
  key: z
    .string()
    .min(1)
    .max(1024)
    .refine(isSafeObjectKey, 'must be a plain relative object key')
    .refine((key) => !isServiceObjectKey(key), `keys under ${SERVICE_OBJECT_PREFIX} hold uploaded files; import objects stored elsewhere`)
    .openapi({
      description: `The object key in the bucket: a plain relative path, no \`.\` or \`..\` segments, not under \`${SERVICE_OBJECT_PREFIX}\` (where uploads are stored).`,
      example: 'exports/2026/q1.csv',
    }),
  name: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "The file's name; defaults to the key's last segment.", example: 'q1.csv' }),
})
