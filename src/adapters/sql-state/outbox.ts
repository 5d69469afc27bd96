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

interface QueueOptions {
  event: string
  /** What makes the message id: `msg_<key>_<webhook id>`. Queuing the same key twice keeps one message per webhook. */
  key: Fragment
  at: number
  /** The message's `data`: a json_object over the row the source names. */
  data: Fragment
}

/** Queues `event` for every webhook subscribed to it whose owner owns a row that `from` (`<table> <alias>`) and `where` select. */
function queueForOwners(from: string, alias: string, where: Fragment, options: QueueOptions): SqlStatement {
  const { event, key, at, data } = options
  return {
    sql: `INSERT OR IGNORE INTO webhook_deliveries (id, webhook_id, event, body, status, attempts, next_attempt_at, created_at)
      SELECT 'msg_' || ${key.sql} || '_' || w.id, w.id, ?, json_object('type', ?, 'timestamp', ?, 'data', ${data.sql}), 'pending', 0, ?, ?
      FROM ${from} JOIN webhooks w ON w.owner_id = ${alias}.owner_id
      WHERE ${where.sql} AND ${SUBSCRIBED}`,
    params: [...key.params, event, event, new Date(at).toISOString(), ...data.params, at, at, ...where.params, event],
  }
}

/** Queues `event` for every webhook subscribed to it whose owner owns a link (alias `l`) that `links` selects. */
export function queueForLinkOwners(options: QueueOptions & { links: Fragment }): SqlStatement {
  return queueForOwners('links l', 'l', options.links, options)
}

/** Queues `event` for every webhook subscribed to it whose owner owns an upload request (alias `r`) that `requests` selects. */
export function queueForRequestOwners(options: QueueOptions & { requests: Fragment }): SqlStatement {
  return queueForOwners('upload_requests r', 'r', options.requests, options)
}

/** `remaining` of link `l` in a message: null for an unlimited link. */
export const REMAINING = 'CASE WHEN l.max_downloads IS NULL THEN NULL ELSE MAX(0, l.max_downloads - l.downloads) END'
