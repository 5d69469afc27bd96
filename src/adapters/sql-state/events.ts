import type { LinkEvent, LinkEventType } from '../../core/events/model'
import type { EventStore, Page } from '../../core/ports'
import { type SqlDatabase, type SqlStatement, sql } from '../sql'
import { linkOwnersQueue, queueMessages, REMAINING } from './outbox'
import { pageAfter, toPage } from './pages'

interface EventRow {
  id: string
  link_id: string
  type: LinkEventType
  created_at: number
  code: string | null
  bytes: number | null
  address: string | null
  user_agent: string | null
}

const toEvent = (r: EventRow): LinkEvent => ({
  id: r.id,
  linkId: r.link_id,
  type: r.type,
  at: r.created_at,
  code: r.code,
  bytes: r.bytes,
  address: r.address,
  userAgent: r.user_agent,
})

// The link has counted every download it allows. Its exhausted event's id is
// made from the link and the limit, so it is recorded once per limit however
// many writers notice it.
const EXHAUSTED = 'l.max_downloads IS NOT NULL AND l.downloads >= l.max_downloads'
const EXHAUSTED_KEY = "l.id || '-x' || l.max_downloads"
const RECORD_EXHAUSTED = `INSERT OR IGNORE INTO link_events (id, link_id, type, created_at)
  SELECT ${EXHAUSTED_KEY}, l.id, 'exhausted', ? FROM links l WHERE l.id = ? AND ${EXHAUSTED}`
const QUEUE_EXHAUSTED = linkOwnersQueue({
  event: 'link.exhausted',
  key: EXHAUSTED_KEY,
  where: `l.id = ? AND ${EXHAUSTED}`,
  data: `json_object('linkId', l.id, 'fileId', l.file_id, 'downloads', l.downloads, 'maxDownloads', l.max_downloads)`,
})
const QUEUE_COMPLETED = linkOwnersQueue({
  event: 'download.completed',
  key: '?',
  where: 'l.id = ?',
  data: `json_object('linkId', l.id, 'fileId', l.file_id, 'bytes', CAST(? AS INTEGER), 'downloads', l.downloads, 'remaining', ${REMAINING})`,
})
/** Removed per sweep at most, so that one sweep never holds the database long. */
const SWEEP_BATCH = 5000

/** Audit events over SQL that SQLite and D1 both speak (docs/webhooks.md). */
export class SqlEventStore implements EventStore {
  constructor(private readonly db: SqlDatabase) {}

  async recordEvents(events: LinkEvent[]): Promise<number> {
    const statements: SqlStatement[] = []
    const queued: number[] = []
    for (const e of events) {
      statements.push(
        sql(
          `INSERT OR IGNORE INTO link_events (id, link_id, type, created_at, code, bytes, address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          e.id,
          e.linkId,
          e.type,
          e.at,
          e.code,
          e.bytes,
          e.address,
          e.userAgent,
        ),
      )
      if (e.type === 'download_completed') {
        queued.push(statements.length)
        statements.push(queueMessages(QUEUE_COMPLETED, e.at, { key: [e.id], data: [e.bytes ?? 0], where: [e.linkId] }))
      }
      if (e.type === 'download_started') queued.push(statements.push(...this.#exhaustion(e.linkId, e.at)) - 1)
    }
    const changes = await this.db.batch(statements)
    return queued.reduce((sum, index) => sum + (changes[index] ?? 0), 0)
  }

  async noticeExhaustion(linkId: string, at: number): Promise<number> {
    const [, queued = 0] = await this.db.batch(this.#exhaustion(linkId, at))
    return queued
  }

  /** The exhausted event and its messages, if the link is exhausted now. */
  #exhaustion(linkId: string, at: number): SqlStatement[] {
    return [sql(RECORD_EXHAUSTED, at, linkId), queueMessages(QUEUE_EXHAUSTED, at, { where: [linkId] })]
  }

  async listEvents(linkId: string, query: { limit: number; cursor?: string }): Promise<Page<LinkEvent>> {
    const [after, afterParams] = pageAfter('e', query.cursor)
    const rows = await this.db.all<EventRow>(
      `SELECT e.id, e.link_id, e.type, e.created_at, e.code, e.bytes, e.address, e.user_agent FROM link_events e
       WHERE e.link_id = ? AND ${after} ORDER BY e.created_at DESC, e.id DESC LIMIT ?`,
      [linkId, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toEvent)
  }

  async sweepEvents(before: number): Promise<number> {
    const [removed = 0] = await this.db.batch([
      sql(
        'DELETE FROM link_events WHERE rowid IN (SELECT rowid FROM link_events WHERE created_at < ? ORDER BY created_at LIMIT ?)',
        before,
        SWEEP_BATCH,
      ),
    ])
    return removed
  }
}
