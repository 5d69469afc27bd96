import { FuselinkError } from '../core/errors'
import type { ApiKeyRecord, FileRecord, LinkRecord, LinkTarget, Role } from '../core/model'
import type { ListQuery, Page, StateStore, SweepResult, TransferStart } from '../core/ports'
import { sql, type SqlDatabase, type SqlValue } from './sql'

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
const FILE_COLUMNS =
  'f.id, f.owner_id, f.name, f.size, f.content_type, f.sha256, f.object_key, f.created_at, f.deleted_at'

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
  return [
    `(${alias}.created_at < ? OR (${alias}.created_at = ? AND ${alias}.id < ?))`,
    [createdAt, createdAt, id],
  ]
}

function toPage<R extends { created_at: number; id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
}

// Guards shared by both ways a transfer may start; `?` is the current time.
const LINK_ALIVE = 'l.revoked_at IS NULL AND f.deleted_at IS NULL'

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
        key.id, key.name, key.role, key.hash, key.createdAt, key.disabledAt,
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
        file.id, file.ownerId, file.name, file.size, file.contentType, file.sha256, file.objectKey, file.createdAt, file.deletedAt,
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
        link.id, link.fileId, link.ownerId, link.filename, link.maxDownloads, link.size, link.downloads,
        link.charged, link.refunded, link.createdAt, link.notBefore, link.expiresAt, link.revokedAt,
      ),
    ])
  }

  async getLink(id: string): Promise<LinkRecord | null> {
    const row = await this.db.first<LinkRow>(`SELECT ${LINK_COLUMNS} FROM links l WHERE l.id = ?`, [id])
    return row ? toLink(row) : null
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
    const insert = `INSERT INTO transfers (id, link_id, counted, start, length, sent, state, lease_until, created_at)
      SELECT ?, l.id, ?, ?, ?, 0, 'active', ?, ? FROM links l JOIN files f ON f.id = l.file_id WHERE l.id = ? AND ${LINK_ALIVE}`
    const values: SqlValue[] = [t.id, t.mode === 'fresh' ? 1 : 0, t.start, t.length, t.leaseUntil, t.now, t.linkId]

    if (t.mode === 'fresh') {
      // Rule 2: check and count in one transaction. The insert's guard reads
      // the counter that the update of any earlier winner already raised.
      const [inserted] = await this.db.batch([
        sql(
          `${insert} AND l.downloads < l.max_downloads AND l.expires_at > ?
             AND (l.not_before IS NULL OR l.not_before <= ?)`,
          ...values, t.now, t.now,
        ),
        sql('UPDATE links SET downloads = downloads + 1 WHERE id = ? AND EXISTS (SELECT 1 FROM transfers WHERE id = ?)', t.linkId, t.id),
      ])
      return inserted === 1
    }

    // Rule 3: a resume fits only if settled bytes, bytes reserved by live
    // transfers and its own length stay within downloads x size.
    const [inserted] = await this.db.batch([
      sql(
        `${insert} AND l.downloads >= 1 AND l.expires_at + ? > ?
           AND l.charged + ? + (SELECT COALESCE(SUM(length), 0) FROM transfers WHERE link_id = l.id AND state = 'active')
               <= l.downloads * l.size`,
        ...values, t.resumeGrace, t.now, t.length,
      ),
    ])
    return inserted === 1
  }

  async giveBack(linkId: string, resumeFrom: number, cap: number): Promise<void> {
    // The cut transfer that wrote furthest past where this resume begins:
    // those bytes never reached the client.
    const cut = await this.db.first<{ id: string; over: number }>(
      `SELECT id, start + sent - ? AS over FROM transfers
       WHERE link_id = ? AND state = 'cut' AND start < ? AND start + sent > ?
       ORDER BY over DESC LIMIT 1`,
      [resumeFrom, linkId, resumeFrom, resumeFrom],
    )
    if (!cut) return
    await this.db.batch([
      sql(
        `UPDATE links SET charged = charged - min(?, ? - refunded), refunded = refunded + min(?, ? - refunded)
         WHERE id = ? AND refunded < ? AND EXISTS (SELECT 1 FROM transfers WHERE id = ? AND state = 'cut')`,
        cut.over, cap, cut.over, cap, linkId, cap, cut.id,
      ),
      sql(`UPDATE transfers SET state = 'given_back' WHERE id = ? AND state = 'cut'`, cut.id),
    ])
  }

  async settleTransfer(id: string, sent: number): Promise<void> {
    await this.db.batch([
      sql(`UPDATE links SET charged = charged + ? WHERE id = (SELECT link_id FROM transfers WHERE id = ? AND state = 'active')`, sent, id),
      sql(
        `UPDATE transfers SET sent = ?, state = CASE WHEN ? >= length THEN 'done' ELSE 'cut' END
         WHERE id = ? AND state = 'active'`,
        sent, sent, id,
      ),
    ])
  }

  async cancelTransfer(id: string): Promise<void> {
    await this.db.batch([
      sql(
        `UPDATE links SET downloads = downloads - 1
         WHERE id = (SELECT link_id FROM transfers WHERE id = ? AND state = 'active' AND counted = 1)`,
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
    // it as if it sent everything and was cut. That is safe for the budget,
    // and the give-back still lets an honest client resume.
    const [, expired = 0] = await this.db.batch([
      sql(
        `UPDATE links SET charged = charged + (
           SELECT COALESCE(SUM(length), 0) FROM transfers t
           WHERE t.link_id = links.id AND t.state = 'active' AND t.lease_until < ?)
         WHERE id IN (SELECT link_id FROM transfers WHERE state = 'active' AND lease_until < ?)`,
        now, now,
      ),
      sql(`UPDATE transfers SET sent = length, state = 'cut' WHERE state = 'active' AND lease_until < ?`, now),
    ])
    return { expiredTransfers: expired }
  }
}
