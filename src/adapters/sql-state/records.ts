import {
  type ApiKeyRecord,
  type FileRecord,
  type KeyWithOwner,
  type LinkChange,
  type LinkRecord,
  type LinkTarget,
  type Owner,
  tokenOf,
} from '../../core/model'
import type { ListQuery, Page, RecordStore } from '../../core/ports'
import { type SqlDatabase, type SqlValue, sql } from '../sql'
import { pageAfter, toPage } from './pages'
import { FILE_COLUMNS, type FileRow, KEY_WITH_OWNER, type KeyRow, LINK_COLUMNS, type LinkRow, toFile, toKey, toLink } from './rows'

/** Keys, files, links and settings over SQL that SQLite and D1 both speak. */
export class SqlRecordStore implements RecordStore {
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
        'INSERT INTO api_keys (id, name, role, hash, owner_kind, owner_id, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        key.id,
        key.name,
        key.role,
        key.hash,
        key.owner?.kind ?? null,
        key.owner?.id ?? null,
        key.createdAt,
        key.disabledAt,
      ),
    ])
  }

  async findKeyByHash(hash: string): Promise<KeyWithOwner | null> {
    const row = await this.db.first<KeyRow>(`${KEY_WITH_OWNER} WHERE k.hash = ?`, [hash])
    return row ? toKey(row) : null
  }

  async getKey(id: string): Promise<KeyWithOwner | null> {
    const row = await this.db.first<KeyRow>(`${KEY_WITH_OWNER} WHERE k.id = ?`, [id])
    return row ? toKey(row) : null
  }

  async listKeys(query: ListQuery): Promise<Page<KeyWithOwner>> {
    const [after, afterParams] = pageAfter('k', query.cursor)
    const owner = query.ownerId ?? null
    const rows = await this.db.all<KeyRow>(
      `${KEY_WITH_OWNER} WHERE (? IS NULL OR k.owner_id = ?) AND ${after} ORDER BY k.created_at DESC, k.id DESC LIMIT ?`,
      [owner, owner, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toKey)
  }

  async ownerName(id: string): Promise<string | null> {
    const row = await this.db.first<{ name: string }>(
      'SELECT username AS name FROM users WHERE id = ? UNION ALL SELECT name FROM api_keys WHERE id = ? LIMIT 1',
      [id, id],
    )
    return row?.name ?? null
  }

  async getOwners(ids: readonly string[]): Promise<Map<string, Owner>> {
    const unique = [...new Set(ids)]
    const owners = new Map<string, Owner>()
    if (unique.length === 0) return owners
    const marks = unique.map(() => '?').join(', ')
    const rows = await this.db.all<{ kind: Owner['kind']; id: string; name: string }>(
      `SELECT 'user' AS kind, id, username AS name FROM users WHERE id IN (${marks})
       UNION ALL SELECT 'api_key' AS kind, id, name FROM api_keys WHERE id IN (${marks})`,
      [...unique, ...unique],
    )
    for (const row of rows) owners.set(row.id, { kind: row.kind, id: row.id, name: row.name })
    return owners
  }

  async disableKey(id: string, at: number, options: { revokeLinks?: boolean } = {}): Promise<{ revokedLinks: string[] } | null> {
    if ((await this.db.first('SELECT 1 AS found FROM api_keys WHERE id = ?', [id])) === null) return null
    await this.db.batch([
      sql('UPDATE api_keys SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', at, id),
      ...(options.revokeLinks ? [sql('UPDATE links SET revoked_at = ? WHERE issuer_key_id = ? AND revoked_at IS NULL', at, id)] : []),
    ])
    if (!options.revokeLinks) return { revokedLinks: [] }
    // The links this step revoked carry its time. One revoked by someone else
    // in the same millisecond is named too: its revoked event is the same one.
    const revoked = await this.db.all<{ id: string }>('SELECT id FROM links WHERE issuer_key_id = ? AND revoked_at = ? ORDER BY id', [
      id,
      at,
    ])
    return { revokedLinks: revoked.map((row) => row.id) }
  }

  async insertFile(file: FileRecord): Promise<void> {
    await this.db.batch([
      sql(
        `INSERT INTO files (id, owner_id, name, size, content_type, sha256, object_key, created_at, deleted_at, upload_request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        file.id,
        file.ownerId,
        file.name,
        file.size,
        file.contentType,
        file.sha256,
        file.objectKey,
        file.createdAt,
        file.deletedAt,
        file.uploadRequestId,
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

  async objectInUse(objectKey: string, exceptId: string): Promise<boolean> {
    const row = await this.db.first('SELECT 1 AS used FROM files WHERE object_key = ? AND id <> ? AND deleted_at IS NULL LIMIT 1', [
      objectKey,
      exceptId,
    ])
    return row !== null
  }

  async insertLink(link: LinkRecord): Promise<void> {
    const token = tokenOf(link)
    await this.db.batch([
      sql(
        `INSERT INTO links (id, file_id, owner_id, issuer_key_id, filename, message, password_hash, max_downloads, size, downloads, charged, refunded, created_at, not_before, expires_at, revoked_at,
                            last_download_at, note, token_version, token_issued_at, token_expires_at, token_max_downloads)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        link.id,
        link.fileId,
        link.ownerId,
        link.issuerKeyId,
        link.filename,
        link.message,
        link.passwordHash,
        link.maxDownloads,
        link.size,
        link.downloads,
        link.charged,
        link.refunded,
        link.createdAt,
        link.notBefore,
        link.expiresAt,
        link.revokedAt,
        link.lastDownloadAt,
        link.note ?? null,
        token.version,
        token.issuedAt,
        token.expiresAt,
        token.maxDownloads,
      ),
    ])
  }

  async getLinkTarget(id: string): Promise<LinkTarget | null> {
    const row = await this.db.first<LinkRow & { [K in keyof FileRow as `f_${K}`]: FileRow[K] }>(
      `SELECT ${LINK_COLUMNS}, f.id AS f_id, f.owner_id AS f_owner_id, f.name AS f_name, f.size AS f_size,
              f.content_type AS f_content_type, f.sha256 AS f_sha256, f.object_key AS f_object_key,
              f.created_at AS f_created_at, f.deleted_at AS f_deleted_at, f.upload_request_id AS f_upload_request_id
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
        upload_request_id: row.f_upload_request_id,
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

  async updateLink(id: string, change: LinkChange): Promise<boolean> {
    const columns: [string, SqlValue][] = []
    if (change.expiresAt !== undefined) columns.push(['expires_at', change.expiresAt], ['expiry_noticed_at', null])
    if (change.maxDownloads !== undefined) columns.push(['max_downloads', change.maxDownloads])
    if (change.filename !== undefined) columns.push(['filename', change.filename])
    if (change.note !== undefined) columns.push(['note', change.note])
    if (change.token) {
      const { version, issuedAt, expiresAt, maxDownloads } = change.token
      columns.push(
        ['token_version', version],
        ['token_issued_at', issuedAt],
        ['token_expires_at', expiresAt],
        ['token_max_downloads', maxDownloads],
      )
    }
    if (columns.length === 0) return true
    // A lower limit holds only if no download was counted past it meanwhile
    // (the statement that counts one reads the limit in its own guard).
    const limit = change.maxDownloads ?? null
    const [changed] = await this.db.batch([
      sql(
        `UPDATE links SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ? AND (? IS NULL OR downloads <= ?)`,
        ...columns.map(([, value]) => value),
        id,
        limit,
        limit,
      ),
    ])
    return changed === 1
  }
}
