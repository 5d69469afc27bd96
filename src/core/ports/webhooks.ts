import type { DeliveryRecord, DueDelivery, WebhookEventType, WebhookRecord } from '../webhooks/events'
import type { ListQuery, Page } from './records'

/** What one attempt came to, and what follows it. */
export interface AttemptResult {
  /** The receiver's status code, or null when it gave none. */
  status: number | null
  error: string | null
  /** Set when the message was delivered. */
  deliveredAt: number | null
  /** When to try again; null when there is no next attempt (delivered, or given up). */
  nextAttemptAt: number | null
}

/** Webhooks and their outbox (docs/webhooks.md). */
export interface WebhookStore {
  insertWebhook(webhook: WebhookRecord): Promise<void>
  getWebhook(id: string): Promise<WebhookRecord | null>
  /** The owner's webhooks (all of them for an undefined owner), newest first. */
  listWebhooks(query: ListQuery): Promise<Page<WebhookRecord>>
  countWebhooks(ownerId: string): Promise<number>
  /** Removes a webhook and every message queued for it. */
  deleteWebhook(id: string): Promise<void>
  /** Queues one message for one webhook, due at once. */
  queueMessage(message: { id: string; webhookId: string; event: WebhookEventType; body: string; at: number }): Promise<void>
  getDelivery(id: string): Promise<DeliveryRecord | null>
  listDeliveries(webhookId: string, query: { limit: number; cursor?: string }): Promise<Page<DeliveryRecord>>
  /** Pending messages due by `dueBy`, earliest first. */
  dueDeliveries(dueBy: number, limit: number): Promise<DueDelivery[]>
  /** Takes one attempt of a message for this sender until `until`; false when another sender took it first. */
  claimDelivery(id: string, dueAt: number, until: number): Promise<boolean>
  /** Records an attempt: delivered, given up, or due again at `nextAttemptAt`. */
  finishAttempt(id: string, result: AttemptResult): Promise<void>
  /** When the earliest pending message is due, or null when none is pending. */
  nextDueAt(): Promise<number | null>
  /**
   * Marks links that expired by `now` and were not noticed yet, and queues
   * `link.expired` for the live ones (not revoked, file not deleted): once
   * per expiry. Resolves to the number of messages queued.
   */
  noticeExpiries(now: number): Promise<number>
  /** Removes finished messages created before `before`, a bounded number per call. */
  sweepDeliveries(before: number): Promise<number>
}

/** An HTTP request to a receiver, signed and ready. */
export interface OutgoingWebhook {
  url: string
  /** Connect to this address and no other (the one the receiver check allowed); null: resolve as usual. */
  address: string | null
  headers: Record<string, string>
  body: string
  timeoutMs: number
}

/** The runtime's way out: name resolution and one POST that follows no redirect and reads a bounded answer. */
export interface WebhookTransport {
  resolve(host: string): Promise<string[]>
  /** Never throws: a failure is `{ status: null, error }`. */
  send(request: OutgoingWebhook): Promise<{ status: number | null; error: string | null }>
}
