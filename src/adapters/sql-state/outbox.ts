import type { SqlStatement, SqlValue } from '../sql'

// Webhook messages are queued by the statement that records what caused them
// (docs/webhooks.md, "The outbox"), in SQL both SQLite and D1 speak: one row
// per subscribed webhook, its body built by json_object in a fixed key order.

/** A piece of SQL and the values of its placeholders, in order. */
export interface Fragment {
  sql: string
  params: SqlValue[]
}

export const fragment = (sql: string, ...params: SqlValue[]): Fragment => ({ sql, params })

/** Whether webhook `w` asked for the event bound to its one placeholder. */
const SUBSCRIBED = 'EXISTS (SELECT 1 FROM json_each(w.events) WHERE json_each.value = ?)'

/**
 * Queues `event` for every webhook subscribed to it whose owner owns a link
 * (alias `l`) that `links` selects. The message id is `msg_<key>_<webhook
 * id>`: queuing the same key twice keeps one message per webhook. `data` is a
 * json_object over `l`.
 */
export function queueForLinkOwners(options: { event: string; key: Fragment; at: number; links: Fragment; data: Fragment }): SqlStatement {
  const { event, key, at, links, data } = options
  return {
    sql: `INSERT OR IGNORE INTO webhook_deliveries (id, webhook_id, event, body, status, attempts, next_attempt_at, created_at)
      SELECT 'msg_' || ${key.sql} || '_' || w.id, w.id, ?, json_object('type', ?, 'timestamp', ?, 'data', ${data.sql}), 'pending', 0, ?, ?
      FROM links l JOIN webhooks w ON w.owner_id = l.owner_id
      WHERE ${links.sql} AND ${SUBSCRIBED}`,
    params: [...key.params, event, event, new Date(at).toISOString(), ...data.params, at, at, ...links.params, event],
  }
}

/** `remaining` of link `l` in a message: null for an unlimited link. */
export const REMAINING = 'CASE WHEN l.max_downloads IS NULL THEN NULL ELSE MAX(0, l.max_downloads - l.downloads) END'
