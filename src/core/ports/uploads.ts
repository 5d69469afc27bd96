import type { FileRecord, ReceivedPart, UploadRecord, UploadRequestRecord } from '../model'
import type { ListQuery, Page } from './records'

/**
 * Uploads in parts and upload requests: each step that must be atomic is one
 * guarded statement or one batch, as in the transfer ledger, so that two
 * uploaders racing for a request's last slot are decided by the database.
 */
export interface UploadStore {
  /**
   * Records a new upload if the owner (or its request) holds fewer than
   * `maxInFlight` unfinished uploads, and, for an upload through a request,
   * only if the request is open and has room for one more file of its size,
   * counting it there in the same step. False when a guard refused.
   */
  startUpload(upload: UploadRecord, now: number, maxInFlight: number): Promise<boolean>
  /** Names the store's multipart upload of an upload started without one; false when the upload is gone. */
  setUploadHandle(uploadId: string, handle: string): Promise<boolean>
  getUpload(id: string): Promise<UploadRecord | null>
  /** Unfinished uploads that count against `maxInFlight` with this one's owner or request. */
  uploadsInFlight(upload: Pick<UploadRecord, 'ownerId' | 'requestId'>, now: number): Promise<number>
  receivedParts(uploadId: string): Promise<ReceivedPart[]>
  /** Marks a part received (again); false when the upload is gone. */
  recordPart(uploadId: string, part: ReceivedPart): Promise<boolean>
  /** Forgets parts the store turned out not to hold. */
  forgetParts(uploadId: string, numbers: number[]): Promise<void>
  /**
   * In one step: the file is recorded, the upload and its parts are dropped,
   * and its request (if any) counts the file as received and queues
   * `upload_request.file_received` for its owner's webhooks that asked for
   * it (`queued`: how many messages). Null when the upload was already gone
   * (completed or dropped by someone else).
   */
  finishUpload(uploadId: string, file: FileRecord): Promise<{ queued: number } | null>
  /** Drops an upload and gives back what it held of its request; false when it was already gone. */
  dropUpload(uploadId: string): Promise<boolean>
  /** Up to `limit` uploads to remove: their time ran out before `now`, or the request they came through was closed. */
  expiredUploads(now: number, limit: number): Promise<UploadRecord[]>
  /** Which of these store handles still belong to an upload. */
  knownHandles(handles: string[]): Promise<Set<string>>

  insertUploadRequest(request: UploadRequestRecord): Promise<void>
  getUploadRequest(id: string): Promise<UploadRequestRecord | null>
  listUploadRequests(query: ListQuery): Promise<Page<UploadRequestRecord>>
  /** Sets revoked_at once (idempotent). */
  revokeUploadRequest(id: string, at: number): Promise<void>
}
