import type { SqlStatement, SqlValue } from '../sql'

// Webhook messages are queued by the statement that records what caused them
// (docs/webhooks.md, "The outbox"), in SQL both SQLite and D1 speak: one row
// per subscribed webhook, its body built by json_object in a fixed key order.

/** Whether webhook `w` asked for the event bound to its one placeholder. */
const SUBSCRIBED = 'EXISTS (SELECT 1 FROM json_each(w.events) WHERE json_each.value = ?)'

interface QueueParts {
  event: string
  /** SQL for what makes the message id: `msg_<key>_<webhook id>`. Queuing the same key twice keeps one message per webhook. */
  key: string
  /** SQL selecting the rows whose owners' webhooks are told. */
  where: string
  /** SQL for the message's `data`: a json_object over the selected row. */
  data: string
}

/**
 * A queuing statement's text, built once where it is used: the database
 * caches prepared statements by their text (docs/performance.md, "Statement
 * texts built once"). `queueMessages` binds one call's values to it.
 */
export interface OutboxQueue {
  event: string
  sql: string
}

function queueForOwners(from: string, alias: string, parts: QueueParts): OutboxQueue {
  return {
    event: parts.event,
    sql: `INSERT OR IGNORE INTO webhook_deliveries (id, webhook_id, event, body, status, attempts, next_attempt_at, created_at)
      SELECT 'msg_' || ${parts.key} || '_' || w.id, w.id, ?, json_object('type', ?, 'timestamp', ?, 'data', ${parts.data}), 'pending', 0, ?, ?
      FROM ${from} JOIN webhooks w ON w.owner_id = ${alias}.owner_id
      WHERE ${parts.where} AND ${SUBSCRIBED}`,
  }
}

/** Queues `event` for every webhook subscribed to it whose owner owns a link (alias `l`) that `where` selects. */
export const linkOwnersQueue = (parts: QueueParts): OutboxQueue => queueForOwners('links l', 'l', parts)

/** Queues `event` for every webhook subscribed to it whose owner owns an upload request (alias `r`) that `where` selects. */
export const requestOwnersQueue = (parts: QueueParts): OutboxQueue => queueForOwners('upload_requests r', 'r', parts)

/** The values of the placeholders in a queue's `key`, `data` and `where`, each in its order. */
interface QueueValues {
  key?: SqlValue[]
  data?: SqlValue[]
  where?: SqlValue[]
}

/** The queuing statement for one occurrence of the event, at `at`. */
export function queueMessages(queue: OutboxQueue, at: number, values: QueueValues): SqlStatement {
  const { key = [], data = [], where = [] } = values
  return { sql: queue.sql, params: [...key, queue.event, queue.event, new Date(at).toISOString(), ...data, at, at, ...where, queue.event] }
}

/** `remaining` of link `l` in a message: null for an unlimited link. */
export const REMAINING = 'CASE WHEN l.max_downloads IS NULL THEN NULL ELSE MAX(0, l.max_downloads - l.downloads) END'
