import { z } from '@hono/zod-openapi'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/password'
import { OwnerQuery, OwnerSchema } from './owner'
import { PageQuery, pageOf } from './page'

/** The most downloads a limited link may allow (`null` allows any number); also keeps the token short. */
export const MAX_DOWNLOADS_LIMIT = 1_000_000
/** `1000000` as `1,000,000`, without toLocaleString: that loads ICU's number data, about 5 MiB, at start (docs/performance.md). */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',')
/** The longest note on a link. */
export const MAX_NOTE_LENGTH = 1000
/** The longest message a sender may leave for the recipient (docs/api.md). */
export const MAX_MESSAGE_LENGTH = 500

const time = (description: string) =>
  z.string().openapi({ format: 'date-time', description: `${description} ISO 8601, UTC.`, example: '2026-02-07T17:05:00.000Z' })
const nullableTime = (description: string) =>
  z
    .string()
    .nullable()
    .openapi({ format: 'date-time', description: `${description} ISO 8601, UTC.`, example: null })

export const LinkSchema = z
  .object({
    id: z.string().openapi({ example: 'b7Kp2mZx9Q' }),
    fileId: z.string().openapi({ example: 'Qx3vR8kT2a' }),
    expiresAt: time('When the link stops starting downloads.'),
    notBefore: nullableTime('Before this time the link answers 403 `link_not_yet_valid`; `null` when not set.'),
    maxDownloads: z.number().int().nullable().openapi({ description: 'Downloads the link allows; `null`: no limit.', example: 3 }),
    downloads: z.number().int().openapi({ description: 'Downloads counted so far (live).', example: 1 }),
    remaining: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Downloads left (live); `null` for a link without a limit.', example: 2 }),
    status: z.enum(['active', 'expired', 'revoked', 'exhausted', 'file_deleted']).openapi({
      description: 'Whether the link can still start a download, and if not, why.',
      example: 'active',
    }),
    filename: z
      .string()
      .optional()
      .openapi({ description: "Overrides the file's name in downloads; absent when not set.", example: 'Q1 report.pdf' }),
    note: z.string().optional().openapi({
      description: "The owner's note about the link, never shown to recipients; absent when not set.",
      example: 'For the board',
    }),
    message: z.string().nullable().openapi({
      description: "The sender's words to the recipient, shown on the page; `null` when none.",
      example: 'Here is the report.',
    }),
    passwordProtected: z.boolean().openapi({ description: 'Whether downloading needs the link password.', example: false }),
    createdAt: time('When the link was issued.'),
    revokedAt: nullableTime('When the link was revoked; `null` when it was not.'),
    lastDownloadAt: nullableTime('When the last counted download started (resumes are not downloads); `null` before the first.'),
    owner: OwnerSchema.optional(),
  })
  .openapi('Link', { description: 'A link, with live counters. Lists show it without its token.' })

export const LinkWithAccessSchema = LinkSchema.extend({
  token: z.string().openapi({ description: 'The signed download token (a JWT with `typ` `fuselink+jwt`).' }),
  url: z.string().openapi({ description: 'The page to send people: `PUBLIC_URL/s/<token>`.', example: 'https://files.example.com/s/eyJ…' }),
  downloadUrl: z
    .string()
    .openapi({ description: 'The file itself, for programs: `PUBLIC_URL/d/<token>`.', example: 'https://files.example.com/d/eyJ…' }),
}).openapi('LinkWithAccess', {
  description:
    'A link with its token and URLs: in the answer that creates it and in `GET /api/v1/links/{id}`. The token is signed again when asked for, never stored.',
})

export const LinkPageSchema = pageOf(LinkSchema, 'LinkPage')

export const LinkListQuery = PageQuery.extend({
  fileId: z.string().min(1).max(64).optional().openapi({ description: "Only this file's links." }),
  ...OwnerQuery.shape,
})

const expiresInField = z.union([z.number(), z.string()], {
  error: (issue) => `${issue.input === undefined ? 'required; give' : 'give'} seconds or a duration such as "90m", "24h" or "7d"`,
})
const maxDownloadsField = z
  .number()
  .int()
  .min(1)
  .max(MAX_DOWNLOADS_LIMIT)
  .nullable()
  .openapi({ description: `Downloads the link allows, 1–${thousands(MAX_DOWNLOADS_LIMIT)}; \`null\`: no limit.`, example: 3 })
const filenameField = z
  .string()
  .min(1)
  .max(255)
  .openapi({ description: "The name downloads are saved under, instead of the file's.", example: 'Q1 report.pdf' })
const noteField = z
  .string()
  .min(1)
  .max(MAX_NOTE_LENGTH)
  .openapi({ description: "The owner's note about the link, shown in the API only, never to recipients.", example: 'For the board' })

export const IssueBody = z.object({
  fileId: z.string().min(1).max(64).openapi({ description: 'The file to share.', example: 'Qx3vR8kT2a' }),
  expiresIn: expiresInField.openapi({
    description:
      'How long the link lives: whole seconds, or a number with a unit `s`, `m`, `h`, `d` or `w` (`"90m"`, `"24h"`, `"7d"`). Longer than `MAX_LINK_TTL` is refused, not clamped.',
    example: '7d',
  }),
  maxDownloads: maxDownloadsField.default(1),
  filename: filenameField.optional(),
  note: noteField.optional(),
  notBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'ISO 8601; before it the link answers 403 `link_not_yet_valid`. Must be before the expiry.' }),
  message: z
    .string()
    .max(MAX_MESSAGE_LENGTH)
    .optional()
    .openapi({
      description: `The sender's words to the recipient (at most ${MAX_MESSAGE_LENGTH} characters), shown on the page with the sender's name; never to link previewers.`,
      example: 'Here is the report we discussed.',
    }),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH)
    .max(PASSWORD_MAX_LENGTH)
    .optional()
    .openapi({
      description: `A password the recipient must give (${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters): on the page, or as the header \`Link-Password\`. Only its hash is kept.`,
      example: 'blue harbour 1987',
    }),
})

export const RevokeBody = z.object({
  token: z.string().min(1).max(4096).openapi({ description: 'The token of the link to revoke, as found in its URL.' }),
})

export const UpdateBody = z.object({
  expiresIn: expiresInField.optional().openapi({
    description:
      'A new lifetime, counted from now, in the form `POST /api/v1/links` takes. Later than the current token carries: a new token is issued (`reissued: true`), the old URL keeps its own expiry.',
    example: '14d',
  }),
  maxDownloads: maxDownloadsField.optional(),
  filename: filenameField.nullable().optional(),
  note: noteField.nullable().optional(),
})

export const UpdatedLinkSchema = LinkWithAccessSchema.extend({
  reissued: z.boolean().openapi({
    description: 'True when this change issued a new token: `token`, `url` and `downloadUrl` are new, the old ones keep their own expiry.',
  }),
}).openapi('UpdatedLink', { description: 'The link after the change, with its current token and URLs.' })
