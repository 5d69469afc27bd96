import type { FileRecord, ReceivedPart, UploadRecord, UploadRequestRecord } from '../../core/model'
import type { ListQuery, Page, ReserveOutcome, StateStore, SweepResult, TransferStart } from '../../core/ports'
import type { SqlDatabase } from '../sql'
import { SqlTransferLedger } from './ledger'
import { SqlRecordStore } from './records'
import { SqlUploadStore } from './uploads'

/** The StateStore over one SQL database: its records, and the transfer ledger's and the uploads' steps beside them. */
export class SqlStateStore extends SqlRecordStore implements StateStore {
  readonly #ledger: SqlTransferLedger
  readonly #uploads: SqlUploadStore

  constructor(db: SqlDatabase) {
    super(db)
    this.#ledger = new SqlTransferLedger(db)
    this.#uploads = new SqlUploadStore(db)
  }

  startTransfer(start: TransferStart): Promise<boolean> {
    return this.#ledger.startTransfer(start)
  }

  reserve(id: string, bytes: number, leaseUntil: number): Promise<ReserveOutcome> {
    return this.#ledger.reserve(id, bytes, leaseUntil)
  }

  makeRoom(linkId: string, point: number | null, cap: number): Promise<boolean> {
    return this.#ledger.makeRoom(linkId, point, cap)
  }

  settleTransfer(id: string, sent: number): Promise<void> {
    return this.#ledger.settleTransfer(id, sent)
  }

  cancelTransfer(id: string): Promise<void> {
    return this.#ledger.cancelTransfer(id)
  }

  renewTransfer(id: string, leaseUntil: number): Promise<void> {
    return this.#ledger.renewTransfer(id, leaseUntil)
  }

  sweep(now: number): Promise<SweepResult> {
    return this.#ledger.sweep(now)
  }

  startUpload(upload: UploadRecord, now: number, maxInFlight: number): Promise<boolean> {
    return this.#uploads.startUpload(upload, now, maxInFlight)
  }

  getUpload(id: string): Promise<UploadRecord | null> {
    return this.#uploads.getUpload(id)
  }

  uploadsInFlight(upload: Pick<UploadRecord, 'ownerId' | 'requestId'>, now: number): Promise<number> {
    return this.#uploads.uploadsInFlight(upload, now)
  }

  receivedParts(uploadId: string): Promise<ReceivedPart[]> {
    return this.#uploads.receivedParts(uploadId)
  }

  recordPart(uploadId: string, part: ReceivedPart): Promise<boolean> {
    return this.#uploads.recordPart(uploadId, part)
  }

  forgetParts(uploadId: string, numbers: number[]): Promise<void> {
    return this.#uploads.forgetParts(uploadId, numbers)
  }

  finishUpload(uploadId: string, file: FileRecord): Promise<boolean> {
    return this.#uploads.finishUpload(uploadId, file)
  }

  dropUpload(uploadId: string): Promise<boolean> {
    return this.#uploads.dropUpload(uploadId)
  }

  expiredUploads(now: number, limit: number): Promise<UploadRecord[]> {
    return this.#uploads.expiredUploads(now, limit)
  }

  knownHandles(handles: string[]): Promise<Set<string>> {
    return this.#uploads.knownHandles(handles)
  }

  insertUploadRequest(request: UploadRequestRecord): Promise<void> {
    return this.#uploads.insertUploadRequest(request)
  }

  getUploadRequest(id: string): Promise<UploadRequestRecord | null> {
    return this.#uploads.getUploadRequest(id)
  }

  listUploadRequests(query: ListQuery): Promise<Page<UploadRequestRecord>> {
    return this.#uploads.listUploadRequests(query)
  }

  revokeUploadRequest(id: string, at: number): Promise<void> {
    return this.#uploads.revokeUploadRequest(id, at)
  }
}
