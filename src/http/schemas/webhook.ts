import { z } from '@hono/zod-openapi'
import { WEBHOOK_EVENT_TYPES } from '../../core/webhooks/events'
import { pageOf } from './page'

const time = (description: string) =>
  z.string().openapi({ format: 'date-time', description: `${description} ISO 8601, UTC.`, example: '2026-02-07T17:05:00.000Z' })

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, 'each event once')
  .openapi({
    description:
      "What to be told about: `download.completed`, `link.exhausted`, `link.expired`, `upload_request.file_received` (of the owner's links and upload requests); `webhook.test` is what the test route sends, listed or not.",
    example: ['download.completed', 'link.exhausted'],
  })

export const WebhookSchema = z
  .object({
    id: z.string().openapi({ example: 'Wh7pQ2rT4w' }),
    url: z.string().openapi({ description: 'Where deliveries are POSTed.', example: 'https://hooks.example.com/fuselink' }),
    events,
    createdAt: time('When it was created.'),
  })
  .openapi('Webhook', { description: "A receiver of the owner's events. Its secret is shown only when it is created." })

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description:
      'The signing secret, `whsec_` and base64: shown this once. Deliveries are signed with the bytes it encodes (Standard Webhooks; docs/webhooks.md).',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('CreatedWebhook', { description: 'A new webhook, with its signing secret.' })

export const WebhookPageSchema = pageOf(WebhookSchema, 'WebhookPage')

export const CreateWebhookBody = z.object({
  url: z.string().min(1).max(2048).openapi({
    description: 'An http:// or https:// URL without credentials, whose addresses `WEBHOOK_ALLOWED_HOSTS` allows (public ones by default).',
    example: 'https://hooks.example.com/fuselink',
  }),
  events,
})

export const DeliverySchema = z
  .object({
    id: z.string().openapi({
      description: 'The message id: the `webhook-id` header, the same on every attempt.',
      example: 'msg_Okt34tVHk2pQ9rT4w_Wh7pQ2rT4w',
    }),
    event: z.enum(WEBHOOK_EVENT_TYPES).openapi({ example: 'download.completed' }),
    status: z.enum(['pending', 'delivered', 'failed']).openapi({
      description: '`pending` until the receiver answers 2xx (`delivered`) or the retries run out (`failed`).',
      example: 'delivered',
    }),
    attempts: z.number().int().openapi({ description: 'Attempts made so far.', example: 1 }),
    lastStatus: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The receiver's last status code; `null` when it gave none.", example: 200 }),
    lastError: z.string().nullable().openapi({ description: 'Why the last attempt failed; `null` when it did not.', example: null }),
    createdAt: time('When the message was queued.'),
    deliveredAt: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'When it was delivered; `null` until then.', example: null }),
  })
  .openapi('WebhookDelivery', { description: 'One message to one webhook and how its delivery went.' })

export const DeliveryPageSchema = pageOf(DeliverySchema, 'WebhookDeliveryPage')
