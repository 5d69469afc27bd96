/** What a webhook may subscribe to (docs/webhooks.md, "Events"). `webhook.test` is what the test route sends. */
export const WEBHOOK_EVENT_TYPES = [
  'download.completed',
  'link.exhausted',
  'link.expired',
  'upload_request.file_received',
  'webhook.test',
] as const

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/** A webhook as stored. Times are milliseconds since the epoch. */
export interface WebhookRecord {
  id: string
  ownerId: string
  url: string
  events: WebhookEventType[]
  /** The whsec_ signing secret. */
  secret: string
  createdAt: number
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

/** One message to one webhook, and how its delivery went. */
export interface DeliveryRecord {
  /** The message id: the webhook-id header, the same on every attempt. */
  id: string
  webhookId: string
  event: WebhookEventType
  status: DeliveryStatus
  attempts: number
  /** The receiver's last answer, or null when it gave none (refused, timed out, unreachable). */
  lastStatus: number | null
  lastError: string | null
  createdAt: number
  deliveredAt: number | null
}

/** A pending message with what sending it needs. */
export interface DueDelivery {
  id: string
  url: string
  secret: string
  body: string
  attempts: number
  /** When it became due: the claim checks it has not moved since. */
  dueAt: number
}
