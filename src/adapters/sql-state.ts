import { FuselinkError } from '../core/errors'
import type { ApiKeyRecord, FileRecord, LinkRecord, LinkTarget, Role } from '../core/model'
import type { ListQuery, Page, ReserveOutcome, StateStore, SweepResult, TransferStart } from '../core/ports'
import { type SqlDatabase, type SqlValue, sql } from './sql'

interface KeyRow {
  id: string
  name: string
  role: Role
  hash: string
  created_at: number
  disabled_at: number | null
}

interface FileRow {
  id: string
  owner_id: string
  name: string
  size: number
  content_type: string
  sha256: string | null
  object_key: string
  created_at: number
  deleted_at: number | null
}

interface LinkRow {
  id: string
  file_id: string
  owner_id: string
  filename: string | null
  max_downloads: number
  size: number
  downloads: number
  charged: number
  refunded: number
  created_at: number
  not_before: number | null
  expires_at: number
  revoked_at: number | null
}

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  hash: r.hash,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
})

const toFile = (r: FileRow): FileRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  size: r.size,
  contentType: r.content_type,
  sha256: r.sha256,
  objectKey: r.object_key,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
})

const toLink = (r: LinkRow): LinkRecord => ({
  id: r.id,
  fileId: r.file_id,
  ownerId: r.owner_id,
  filename: r.filename,
  maxDownloads: r.max_downloads,
  size: r.size,
  downloads: r.downloads,
  charged: r.charged,
  refunded: r.refunded,
  createdAt: r.created_at,
  notBefore: r.not_before,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
})

const LINK_COLUMNS =
  'l.id, l.file_id, l.owner_id, l.filename, l.max_downloads, l.size, l.downloads, l.charged, l.refunded, l.created_at, l.not_before, l.expires_at, l.revoked_at'
const FILE_COLUMNS = 'f.id, f.owner_id, f.name, f.size, f.content_type, f.sha256, f.object_key, f.created_at, f.deleted_at'

/** Cursors are opaque to clients: base64url of "createdAt.id". */
function encodeCursor(row: { created_at: number; id: string }): string {
  return btoa(`${row.created_at}.${row.id}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let text = ''
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    // handled below
  }
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(text)
  if (!match) throw new FuselinkError('invalid_request', 'cursor is not one this service gave out')
  return { createdAt: Number(match[1]), id: match[2]! }
}

/** Keyset pagination, newest first: a WHERE fragment and its parameters. */
function pageAfter(alias: string, cursor: string | undefined): [string, SqlValue[]] {
  if (!cursor) return ['1 = 1', []]
  const { createdAt, id } = decodeCursor(cursor)
  return [`(${alias}.created_at < ? OR (${alias}.created_at = ? AND ${alias}.id < ?))`, [createdAt, createdAt, id]]
}

function toPage<R extends { created_at: number; id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
}

// The counting fragments of API.md rule 3 (design: src/core/link/download.ts).
// What one transfer row holds against its link's byte budget: its grant while
// it streams, what it sent once settled; less what was given back either way.
const held = (t: string) => `CASE WHEN ${t}.state = 'active' THEN ${t}.reserved ELSE ${t}.sent - ${t}.given_back END`
// Budget left on link `l`: one file size per counted download, less the rows
// the sweep folded into l.charged, less what the live rows hold.
const budgetLeft = (l: string) =>
  `(${l}.downloads * ${l}.size - ${l}.charged - (SELECT COALESCE(SUM(${held('h')}), 0) FROM transfers h WHERE h.link_id = ${l}.id))`
// Give-back allowance left on link `l`; its one parameter is the cap.
const allowanceLeft = (l: string) =>
  `(? - ${l}.refunded - (SELECT COALESCE(SUM(g.given_back), 0) FROM transfers g WHERE g.link_id = ${l}.id))`
const LINK_ALIVE = 'l.revoked_at IS NULL AND f.deleted_at IS NULL'

// Settled rows are folded into their link's totals after a while, so that a
// link's budget sums few rows: completed transfers soon (they can no longer
// be given back), cut ones only when a resume of them has become unlikely.
const FOLD_DONE_AFTER_MS = 10 * 60_000
const FOLD_CUT_AFTER_MS = 24 * 3600_000

/**
 * StateStore over SQL that SQLite and D1 both speak. Every counting step is a
 * single batch (one transaction) whose WHERE clauses carry the guards, so
 * that concurrent requests are serialised by the database, not by the app.
 */
export class SqlStateStore implements StateStore {
  constructor(private readonly db: SqlDatabase) {}

  async ping(): Promise<void> {
    await this.db.first('SELECT 1 AS ok', [])
  }

  async getSetting(name: string): Promise<string | null> {
    const row = await this.db.first<{ value: string }>('SELECT value FROM settings WHERE name = ?', [name])
    return row?.value ?? null
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.db.batch([
      sql('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', name, value),
    ])
  }

  async insertKey(key: ApiKeyRecord): Promise<void> {
    await this.db.batch([
      sql(
        'INSERT INTO api_keys (id, name, role, hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?)',
        key.id,
        key.name,
        key.role,
        key.hash,
        key.createdAt,
        key.disabledAt,
      ),
    ])
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.first<KeyRow>('SELECT * FROM api_keys WHERE hash = ?', [hash])
    return row ? toKey(row) : null
  }

  async disableKey(id: string, at: number): Promise<boolean> {
    await this.db.batch([sql('UPDATE api_keys SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', at, id)])
    return (await this.db.first('SELECT 1 AS found FROM api_keys WHERE id = ?', [id])) !== null
  }

  async insertFile(file: FileRecord): Promise<void> {
    await this.db.batch([
      sql(
        'INSERT INTO files (id, owner_id, name, size, content_type, sha256, object_key, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        file.id,
        file.ownerId,
        file.name,
        file.size,
        file.contentType,
        file.sha256,
        file.objectKey,
        file.createdAt,
        file.deletedAt,
      ),
    ])
  }

  async getFile(id: string): Promise<FileRecord | null> {
    const row = await this.db.first<FileRow>(`SELECT ${FILE_COLUMNS} FROM files f WHERE f.id = ?`, [id])
    return row ? toFile(row) : null
  }

  async listFiles(query: ListQuery): Promise<Page<FileRecord>> {
    const [after, afterParams] = pageAfter('f', query.cursor)
    const owner = query.ownerId ?? null
    const rows = await this.db.all<FileRow>(
      `SELECT ${FILE_COLUMNS} FROM files f
       WHERE f.deleted_at IS NULL AND (? IS NULL OR f.owner_id = ?) AND ${after}
       ORDER BY f.created_at DESC, f.id DESC LIMIT ?`,
      [owner, owner, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toFile)
  }

  async markFileDeleted(id: string, at: number): Promise<void> {
    await this.db.batch([sql('UPDATE files SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL', at, id)])
  }

  async insertLink(link: LinkRecord): Promise<void> {
    await this.db.batch([
      sql(
        `INSERT INTO links (id, file_id, owner_id, filename, max_downloads, size, downloads, charged, refunded, created_at, not_before, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        link.id,
        link.fileId,
        link.ownerId,
        link.filename,
        link.maxDownloads,
        link.size,
        link.downloads,
        link.charged,
        link.refunded,
        link.createdAt,
        link.notBefore,
        link.expiresAt,
        link.revokedAt,
      ),
    ])
  }

  async getLinkTarget(id: string): Promise<LinkTarget | null> {
    const row = await this.db.first<LinkRow & { [K in keyof FileRow as `f_${K}`]: FileRow[K] }>(
      `SELECT ${LINK_COLUMNS}, f.id AS f_id, f.owner_id AS f_owner_id, f.name AS f_name, f.size AS f_size,
              f.content_type AS f_content_type, f.sha256 AS f_sha256, f.object_key AS f_object_key,
              f.created_at AS f_created_at, f.deleted_at AS f_deleted_at
       FROM links l JOIN files f ON f.id = l.file_id WHERE l.id = ?`,
      [id],
    )
    if (!row) return null
    return {
      link: toLink(row),
      file: toFile({
        id: row.f_id,
        owner_id: row.f_owner_id,
        name: row.f_name,
        size: row.f_size,
        content_type: row.f_content_type,
        sha256: row.f_sha256,
        object_key: row.f_object_key,
        created_at: row.f_created_at,
        deleted_at: row.f_deleted_at,
      }),
    }
  }

  async listLinks(query: ListQuery & { fileId?: string }): Promise<Page<LinkRecord>> {
    const [after, afterParams] = pageAfter('l', query.cursor)
    const owner = query.ownerId ?? null
    const fileId = query.fileId ?? null
    const rows = await this.db.all<LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM links l
       WHERE (? IS NULL OR l.owner_id = ?) AND (? IS NULL OR l.file_id = ?) AND ${after}
       ORDER BY l.created_at DESC, l.id DESC LIMIT ?`,
      [owner, owner, fileId, fileId, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toLink)
  }

  async revokeLink(id: string, at: number): Promise<void> {
    await this.db.batch([sql('UPDATE links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id)])
  }

  async startTransfer(t: TransferStart): Promise<boolean> {
    const insert = `INSERT INTO transfers (id, link_id, counted, start, length, sent, state, lease_until, created_at, reserved, given_back, stop_at)
      SELECT ?, l.id, ?, ?, ?, 0, 'active', ?, ?, ?, 0, ? FROM links l JOIN files f ON f.id = l.file_id WHERE l.id = ? AND ${LINK_ALIVE}`
    const values: SqlValue[] = [
      t.id,
      t.mode === 'fresh' ? 1 : 0,
      t.start,
      t.length,
      t.leaseUntil,
      t.now,
      t.grant,
      t.start + t.length,
      t.linkId,
    ]

    if (t.mode === 'fresh') {
      // Rule 2: check and count in one transaction. The insert's guard reads
      // the counter that the update of any earlier winner already raised.
      const [inserted] = await this.db.batch([
        sql(
          `${insert} AND l.downloads < l.max_downloads AND l.expires_at > ?
             AND (l.not_before IS NULL OR l.not_before <= ?)`,
          ...values,
          t.now,
          t.now,
        ),
        sql('UPDATE links SET downloads = downloads + 1 WHERE id = ? AND EXISTS (SELECT 1 FROM transfers WHERE id = ?)', t.linkId, t.id),
      ])
      return inserted === 1
    }

    // Rule 3: a resume is admitted only if all its bytes fit in what is left,
    // though it reserves only its first chunk now.
    const [inserted] = await this.db.batch([
      sql(`${insert} AND l.downloads >= 1 AND l.expires_at + ? > ? AND ${budgetLeft('l')} >= ?`, ...values, t.resumeGrace, t.now, t.length),
    ])
    return inserted === 1
  }

  async reserve(id: string, bytes: number, leaseUntil: number): Promise<ReserveOutcome> {
    // The grant counts against the budget at once; the bytes follow it.
    const [granted] = await this.db.batch([
      sql(
        `UPDATE transfers SET reserved = reserved + ?, lease_until = ?
         WHERE id = ? AND state = 'active' AND start + reserved + given_back + ? <= stop_at
           AND (SELECT ${budgetLeft('l')} FROM links l WHERE l.id = transfers.link_id) >= ?`,
        bytes,
        leaseUntil,
        id,
        bytes,
        bytes,
      ),
    ])
    if (granted === 1) return 'granted'
    const row = await this.db.first<{ open: number }>(
      `SELECT state = 'active' AND start + reserved + given_back + ? <= stop_at AS open FROM transfers WHERE id = ?`,
      [bytes, id],
    )
    return row?.open ? 'no_room' : 'stopped'
  }

  async makeRoom(linkId: string, point: number | null, cap: number): Promise<boolean> {
    // The transfer that holds the most bytes past the start of another one
    // (or past `point`): those bytes duplicate what the other one fetches.
    const found = await this.db.first<{ id: string; state: 'active' | 'cut'; x: number }>(
      `SELECT t.id AS id, t.state AS state, MIN(p.start) AS x
       FROM transfers t
       JOIN (SELECT id, start FROM transfers WHERE link_id = ? UNION ALL SELECT '' AS id, ? AS start) p
         ON p.id <> t.id AND p.start > t.start AND p.start < t.start + ${held('t')}
       WHERE t.link_id = ? AND t.state IN ('active', 'cut')
       GROUP BY t.id, t.state, t.start, t.reserved, t.sent, t.given_back
       ORDER BY t.start + ${held('t')} - MIN(p.start) DESC
       LIMIT 1`,
      [linkId, point, linkId],
    )
    if (!found) return false
    const allowance = `(SELECT ${allowanceLeft('l')} FROM links l WHERE l.id = transfers.link_id)`
    // One row changes, so the amount computed in SET is the amount recorded;
    // the guards repeat the search's conditions against the current row.
    const statement =
      found.state === 'active'
        ? sql(
            `UPDATE transfers SET
               given_back = given_back + MIN(start + reserved - ?, ${allowance}),
               reserved = reserved - MIN(start + reserved - ?, ${allowance}),
               stop_at = MIN(stop_at, ?)
             WHERE id = ? AND state = 'active' AND start < ? AND start + reserved > ? AND ${allowance} > 0`,
            found.x,
            cap,
            found.x,
            cap,
            found.x,
            found.id,
            found.x,
            found.x,
            cap,
          )
        : sql(
            `UPDATE transfers SET given_back = given_back + MIN(start + sent - given_back - ?, ${allowance})
             WHERE id = ? AND state = 'cut' AND start < ? AND start + sent - given_back > ? AND ${allowance} > 0`,
            found.x,
            cap,
            found.id,
            found.x,
            found.x,
            cap,
          )
    const [changed] = await this.db.batch([statement])
    return changed === 1
  }

  async settleTransfer(id: string, sent: number): Promise<void> {
    // Bytes sent past the row's reservation were sent under a grant that was
    // given back meanwhile; only those stay given back, the rest of what was
    // set aside returns to the allowance.
    await this.db.batch([
      sql(
        `UPDATE transfers SET sent = ?, given_back = MIN(given_back, MAX(0, ? - reserved)),
           state = CASE WHEN ? >= length THEN 'done' ELSE 'cut' END
         WHERE id = ? AND state = 'active'`,
        sent,
        sent,
        sent,
        id,
      ),
    ])
  }

  async cancelTransfer(id: string): Promise<void> {
    // The count is undone only if the budget still covers everything else
    // without it (a resume may have started on the strength of it).
    await this.db.batch([
      sql(
        `UPDATE links SET downloads = downloads - 1
         WHERE id = (SELECT link_id FROM transfers WHERE id = ? AND state = 'active' AND counted = 1)
           AND ${budgetLeft('links')} + (SELECT reserved FROM transfers WHERE id = ?) >= size`,
        id,
        id,
      ),
      sql(`DELETE FROM transfers WHERE id = ? AND state = 'active'`, id),
    ])
  }

  async renewTransfer(id: string, leaseUntil: number): Promise<void> {
    await this.db.batch([sql(`UPDATE transfers SET lease_until = ? WHERE id = ? AND state = 'active'`, leaseUntil, id)])
  }

  async sweep(now: number): Promise<SweepResult> {
    // A transfer whose lease ran out belongs to a process that died: settle
    // it as cut after sending everything it was granted. That is safe for
    // the budget, and the give-back still lets an honest client resume.
    const [expired = 0] = await this.db.batch([
      sql(`UPDATE transfers SET sent = reserved + given_back, state = 'cut' WHERE state = 'active' AND lease_until < ?`, now),
    ])
    const foldable = `(t.state = 'done' AND t.created_at < ?) OR (t.state = 'cut' AND t.created_at < ?)`
    const cutoffs = [now - FOLD_DONE_AFTER_MS, now - FOLD_CUT_AFTER_MS]
    await this.db.batch([
      sql(
        `UPDATE links SET
           charged = charged + (SELECT COALESCE(SUM(t.sent - t.given_back), 0) FROM transfers t WHERE t.link_id = links.id AND (${foldable})),
           refunded = refunded + (SELECT COALESCE(SUM(t.given_back), 0) FROM transfers t WHERE t.link_id = links.id AND (${foldable}))
         WHERE id IN (SELECT t.link_id FROM transfers t WHERE ${foldable})`,
        ...cutoffs,
        ...cutoffs,
        ...cutoffs,
      ),
      sql(`DELETE FROM transfers AS t WHERE ${foldable}`, ...cutoffs),
    ])
    return { expiredTransfers: expired }
  }
}
