import type { ListQuery, Page, WebhookStore } from '../../core/ports'
import type { AttemptResult } from '../../core/ports/webhooks'
import type { DeliveryRecord, DeliveryStatus, DueDelivery, WebhookEventType, WebhookRecord } from '../../core/webhooks/events'
import { type SqlDatabase, sql } from '../sql'
import { linkOwnersQueue, queueMessages, REMAINING } from './outbox'
import { pageAfter, toPage } from './pages'

interface WebhookRow {
  id: string
  owner_id: string
  url: string
  events: string
  secret: string
  created_at: number
}

interface DeliveryRow {
  id: string
  webhook_id: string
  event: WebhookEventType
  status: DeliveryStatus
  attempts: number
  last_status: number | null
  last_error: string | null
  created_at: number
  delivered_at: number | null
}

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEventType[],
  secret: r.secret,
  createdAt: r.created_at,
})

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  event: r.event,
  status: r.status,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
})

const DELIVERY_COLUMNS = 'd.id, d.webhook_id, d.event, d.status, d.attempts, d.last_status, d.last_error, d.created_at, d.delivered_at'
/** Removed per sweep at most, so that one sweep never holds the database long. */
const SWEEP_BATCH = 5000
/** Expired links noticed per sweep at most; the next sweep takes the rest. */
const NOTICE_BATCH = 500
// Links expired and not yet told of, oldest first: the same links in both of
// noticeExpiries' statements (the first does not change what this selects).
const UNNOTICED = `l.id IN (SELECT id FROM links WHERE expiry_noticed_at IS NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ${NOTICE_BATCH})`
const QUEUE_EXPIRED = linkOwnersQueue({
  event: 'link.expired',
  key: "l.id || '-e' || l.expires_at",
  // Only links still alive when they expired.
  where: `${UNNOTICED} AND l.revoked_at IS NULL AND (SELECT f.deleted_at IS NULL FROM files f WHERE f.id = l.file_id)`,
  data: `json_object('linkId', l.id, 'fileId', l.file_id, 'expiresAt', strftime('%Y-%m-%dT%H:%M:%fZ', l.expires_at / 1000.0, 'unixepoch'),
    'downloads', l.downloads, 'remaining', ${REMAINING})`,
})
/** Longest error text kept with a delivery. */
const MAX_ERROR = 300

/** Webhooks and their outbox over SQL that SQLite and D1 both speak (docs/webhooks.md). */
export class SqlWebhookStore implements WebhookStore {
  constructor(private readonly db: SqlDatabase) {}

  async insertWebhook(w: WebhookRecord): Promise<void> {
    await this.db.batch([
      sql(
        'INSERT INTO webhooks (id, owner_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        w.id,
        w.ownerId,
        w.url,
        JSON.stringify(w.events),
        w.secret,
        w.createdAt,
      ),
    ])
  }

  async getWebhook(id: string): Promise<WebhookRecord | null> {
    const row = await this.db.first<WebhookRow>('SELECT * FROM webhooks WHERE id = ?', [id])
    return row ? toWebhook(row) : null
  }

  async listWebhooks(query: ListQuery): Promise<Page<WebhookRecord>> {
    const [after, afterParams] = pageAfter('w', query.cursor)
    const owner = query.ownerId ?? null
    const rows = await this.db.all<WebhookRow>(
      `SELECT w.* FROM webhooks w WHERE (? IS NULL OR w.owner_id = ?) AND ${after} ORDER BY w.created_at DESC, w.id DESC LIMIT ?`,
      [owner, owner, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toWebhook)
  }

  async countWebhooks(ownerId: string): Promise<number> {
    const row = await this.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM webhooks WHERE owner_id = ?', [ownerId])
    return row?.n ?? 0
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.db.batch([sql('DELETE FROM webhook_deliveries WHERE webhook_id = ?', id), sql('DELETE FROM webhooks WHERE id = ?', id)])
  }

  async queueMessage(m: { id: string; webhookId: string; event: WebhookEventType; body: string; at: number }): Promise<void> {
    await this.db.batch([
      sql(
        `INSERT INTO webhook_deliveries (id, webhook_id, event, body, status, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
        m.id,
        m.webhookId,
        m.event,
        m.body,
        m.at,
        m.at,
      ),
    ])
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const row = await this.db.first<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = ?`, [id])
    return row ? toDelivery(row) : null
  }

  async listDeliveries(webhookId: string, query: { limit: number; cursor?: string }): Promise<Page<DeliveryRecord>> {
    const [after, afterParams] = pageAfter('d', query.cursor)
    const rows = await this.db.all<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.webhook_id = ? AND ${after}
       ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      [webhookId, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toDelivery)
  }

  async dueDeliveries(dueBy: number, limit: number): Promise<DueDelivery[]> {
    return this.db.all<DueDelivery>(
      `SELECT d.id AS id, w.url AS url, w.secret AS secret, d.body AS body, d.attempts AS attempts, d.next_attempt_at AS dueAt
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?`,
      [dueBy, limit],
    )
  }

  async claimDelivery(id: string, dueAt: number, until: number): Promise<boolean> {
    const [claimed] = await this.db.batch([
      sql(
        `UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?`,
        until,
        id,
        dueAt,
      ),
    ])
    return claimed === 1
  }

  async finishAttempt(id: string, r: AttemptResult): Promise<void> {
    const status: DeliveryStatus = r.deliveredAt !== null ? 'delivered' : r.nextAttemptAt !== null ? 'pending' : 'failed'
    await this.db.batch([
      sql(
        `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ?
         WHERE id = ? AND status = 'pending'`,
        status,
        r.nextAttemptAt,
        r.status,
        r.error === null ? null : r.error.slice(0, MAX_ERROR),
        r.deliveredAt,
        id,
      ),
    ])
  }

  async nextDueAt(): Promise<number | null> {
    const row = await this.db.first<{ at: number | null }>(
      `SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'`,
      [],
    )
    return row?.at ?? null
  }

  async noticeExpiries(now: number): Promise<number> {
    // The same links in both statements: those the subquery picks, which the
    // first statement does not change and the second marks as noticed.
    const [queued = 0] = await this.db.batch([
      queueMessages(QUEUE_EXPIRED, now, { where: [now] }),
      sql(`UPDATE links AS l SET expiry_noticed_at = ? WHERE ${UNNOTICED}`, now, now),
    ])
    return queued
  }

  async sweepDeliveries(before: number): Promise<number> {
    const [removed = 0] = await this.db.batch([
      sql(
        `DELETE FROM webhook_deliveries WHERE rowid IN
           (SELECT rowid FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ? ORDER BY created_at LIMIT ?)`,
        before,
        SWEEP_BATCH,
      ),
    ])
    return removed
  }
}
