import type { FileRecord, ReceivedPart, UploadRecord, UploadRequestRecord } from '../../core/model'
import type { ListQuery, Page, UploadStore } from '../../core/ports'
import { type SqlDatabase, type SqlValue, sql } from '../sql'
import { queueMessages, requestOwnersQueue } from './outbox'
import { pageAfter, toPage } from './pages'
import { toUpload, toUploadRequest, UPLOAD_COLUMNS, UPLOAD_REQUEST_COLUMNS, type UploadRequestRow, type UploadRow } from './rows'

// Told with the request's counters as the received file left them.
const QUEUE_RECEIVED = requestOwnersQueue({
  event: 'upload_request.file_received',
  key: '?',
  where: 'r.id = (SELECT request_id FROM uploads WHERE id = ?)',
  data: `json_object('requestId', r.id,
    'file', json_object('id', ?, 'name', ?, 'size', CAST(? AS INTEGER), 'sha256', ?, 'contentType', ?),
    'files', r.files, 'bytes', r.bytes, 'maxFiles', r.max_files, 'maxBytes', r.max_bytes)`,
})

// D1 binds at most 100 parameters per statement.
const HANDLES_PER_QUERY = 90

/** Uploads that count against one owner's bound (their own) or one request's (those through it). */
function inFlightScope(upload: Pick<UploadRecord, 'ownerId' | 'requestId'>): [string, SqlValue[]] {
  return upload.requestId === null
    ? ['x.owner_id = ? AND x.request_id IS NULL', [upload.ownerId]]
    : ['x.request_id = ?', [upload.requestId]]
}

/**
 * Uploads in parts and upload requests over SQL that SQLite and D1 both
 * speak. Like the transfer ledger, every step that must be atomic is one
 * batch whose first statement carries the guards and whose later ones act
 * only if it did (docs/uploads.md, "Upload requests").
 */
export class SqlUploadStore implements UploadStore {
  constructor(private readonly db: SqlDatabase) {}

  async startUpload(u: UploadRecord, now: number, maxInFlight: number): Promise<boolean> {
    const [scope, scopeParams] = inFlightScope(u)
    const values: SqlValue[] = [
      u.id,
      u.ownerId,
      u.requestId,
      u.fileId,
      u.objectKey,
      u.handle,
      u.name,
      u.size,
      u.contentType,
      u.partSize,
      u.parts,
      u.createdAt,
      u.expiresAt,
    ]
    const insert = `INSERT INTO uploads (id, owner_id, request_id, file_id, object_key, handle, name, size, content_type, part_size, parts, created_at, expires_at)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
      WHERE (SELECT COUNT(*) FROM uploads x WHERE ${scope} AND x.expires_at > ?) < ?`
    if (u.requestId === null) {
      const [inserted] = await this.db.batch([sql(insert, ...values, ...scopeParams, now, maxInFlight)])
      return inserted === 1
    }
    // The request's check and its count in one transaction: the insert's
    // guard reads the counters that any earlier winner's update raised.
    const [inserted] = await this.db.batch([
      sql(
        `${insert} AND EXISTS (SELECT 1 FROM upload_requests r WHERE r.id = ? AND r.revoked_at IS NULL AND r.expires_at > ?
             AND r.held_files < r.max_files AND r.held_bytes + ? <= r.max_bytes)`,
        ...values,
        ...scopeParams,
        now,
        maxInFlight,
        u.requestId,
        now,
        u.size,
      ),
      sql(
        'UPDATE upload_requests SET held_files = held_files + 1, held_bytes = held_bytes + ? WHERE id = ? AND EXISTS (SELECT 1 FROM uploads WHERE id = ?)',
        u.size,
        u.requestId,
        u.id,
      ),
    ])
    return inserted === 1
  }

  async getUpload(id: string): Promise<UploadRecord | null> {
    const row = await this.db.first<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads u WHERE u.id = ?`, [id])
    return row ? toUpload(row) : null
  }

  async uploadsInFlight(upload: Pick<UploadRecord, 'ownerId' | 'requestId'>, now: number): Promise<number> {
    const [scope, params] = inFlightScope(upload)
    const row = await this.db.first<{ count: number }>(`SELECT COUNT(*) AS count FROM uploads x WHERE ${scope} AND x.expires_at > ?`, [
      ...params,
      now,
    ])
    return row?.count ?? 0
  }

  async receivedParts(uploadId: string): Promise<ReceivedPart[]> {
    return this.db.all<ReceivedPart>('SELECT number, size FROM upload_parts WHERE upload_id = ? ORDER BY number', [uploadId])
  }

  async recordPart(uploadId: string, part: ReceivedPart): Promise<boolean> {
    const [changed] = await this.db.batch([
      sql(
        `INSERT INTO upload_parts (upload_id, number, size) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ?)
         ON CONFLICT (upload_id, number) DO UPDATE SET size = excluded.size`,
        uploadId,
        part.number,
        part.size,
        uploadId,
      ),
    ])
    return changed === 1
  }

  async forgetParts(uploadId: string, numbers: number[]): Promise<void> {
    if (numbers.length === 0) return
    await this.db.batch(numbers.map((number) => sql('DELETE FROM upload_parts WHERE upload_id = ? AND number = ?', uploadId, number)))
  }

  async finishUpload(uploadId: string, f: FileRecord): Promise<{ queued: number } | null> {
    const [inserted, , queued = 0] = await this.db.batch([
      sql(
        `INSERT INTO files (id, owner_id, name, size, content_type, sha256, object_key, created_at, deleted_at, upload_request_id)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ?)`,
        f.id,
        f.ownerId,
        f.name,
        f.size,
        f.contentType,
        f.sha256,
        f.objectKey,
        f.createdAt,
        f.deletedAt,
        f.uploadRequestId,
        uploadId,
      ),
      // The upload held its declared size; the file has its real one.
      sql(
        `UPDATE upload_requests SET files = files + 1, bytes = bytes + ?,
           held_bytes = held_bytes - (SELECT size FROM uploads WHERE id = ?) + ?
         WHERE id = (SELECT request_id FROM uploads WHERE id = ?)`,
        f.size,
        uploadId,
        f.size,
        uploadId,
      ),
      queueMessages(QUEUE_RECEIVED, f.createdAt, {
        key: [`${f.id}-received`],
        data: [f.id, f.name, f.size, f.sha256, f.contentType],
        where: [uploadId],
      }),
      sql('DELETE FROM upload_parts WHERE upload_id = ?', uploadId),
      sql('DELETE FROM uploads WHERE id = ?', uploadId),
    ])
    return inserted === 1 ? { queued } : null
  }

  async setUploadHandle(uploadId: string, handle: string): Promise<boolean> {
    const [updated] = await this.db.batch([sql('UPDATE uploads SET handle = ? WHERE id = ? AND handle IS NULL', handle, uploadId)])
    return updated === 1
  }

  async dropUpload(uploadId: string): Promise<boolean> {
    const [, , deleted] = await this.db.batch([
      sql(
        `UPDATE upload_requests SET held_files = held_files - 1, held_bytes = held_bytes - (SELECT size FROM uploads WHERE id = ?)
         WHERE id = (SELECT request_id FROM uploads WHERE id = ?)`,
        uploadId,
        uploadId,
      ),
      sql('DELETE FROM upload_parts WHERE upload_id = ?', uploadId),
      sql('DELETE FROM uploads WHERE id = ?', uploadId),
    ])
    return deleted === 1
  }

  async expiredUploads(now: number, limit: number): Promise<UploadRecord[]> {
    const rows = await this.db.all<UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads u
       WHERE u.expires_at <= ? OR u.request_id IN (SELECT r.id FROM upload_requests r WHERE r.revoked_at IS NOT NULL)
       ORDER BY u.expires_at LIMIT ?`,
      [now, limit],
    )
    return rows.map(toUpload)
  }

  async knownHandles(handles: string[]): Promise<Set<string>> {
    const known = new Set<string>()
    for (let i = 0; i < handles.length; i += HANDLES_PER_QUERY) {
      const slice = handles.slice(i, i + HANDLES_PER_QUERY)
      const rows = await this.db.all<{ handle: string }>(
        `SELECT handle FROM uploads WHERE handle IN (${slice.map(() => '?').join(', ')})`,
        slice,
      )
      for (const row of rows) known.add(row.handle)
    }
    return known
  }

  async insertUploadRequest(r: UploadRequestRecord): Promise<void> {
    await this.db.batch([
      sql(
        `INSERT INTO upload_requests (id, owner_id, message, max_files, max_bytes, files, bytes, held_files, held_bytes, created_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        r.id,
        r.ownerId,
        r.message,
        r.maxFiles,
        r.maxBytes,
        r.files,
        r.bytes,
        r.heldFiles,
        r.heldBytes,
        r.createdAt,
        r.expiresAt,
        r.revokedAt,
      ),
    ])
  }

  async getUploadRequest(id: string): Promise<UploadRequestRecord | null> {
    const row = await this.db.first<UploadRequestRow>(`SELECT ${UPLOAD_REQUEST_COLUMNS} FROM upload_requests r WHERE r.id = ?`, [id])
    return row ? toUploadRequest(row) : null
  }

  async listUploadRequests(query: ListQuery): Promise<Page<UploadRequestRecord>> {
    const [after, afterParams] = pageAfter('r', query.cursor)
    const owner = query.ownerId ?? null
    const rows = await this.db.all<UploadRequestRow>(
      `SELECT ${UPLOAD_REQUEST_COLUMNS} FROM upload_requests r
       WHERE (? IS NULL OR r.owner_id = ?) AND ${after}
       ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
      [owner, owner, ...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toUploadRequest)
  }

  async revokeUploadRequest(id: string, at: number): Promise<void> {
    await this.db.batch([sql('UPDATE upload_requests SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id)])
  }
}
