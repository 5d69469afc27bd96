import type { FileRecord, ReceivedPart, Role, SessionRecord, UploadRecord, UploadRequestRecord, UserRecord } from '../../core/model'
import type { AttemptAdmission, ListQuery, Page, ReserveOutcome, StateStore, SweepResult, TokenUse, TransferStart } from '../../core/ports'
import type { Attempt } from '../../core/throttle'
import type { SqlDatabase } from '../sql'
import { SqlAccountStore } from './accounts'
import { SqlTransferLedger } from './ledger'
import { SqlRecordStore } from './records'
import { SqlUploadStore } from './uploads'

/** The StateStore over one SQL database: its records, and the accounts', the transfer ledger's and the uploads' steps beside them. */
export class SqlStateStore extends SqlRecordStore implements StateStore {
  readonly #ledger: SqlTransferLedger
  readonly #accounts: SqlAccountStore
  readonly #uploads: SqlUploadStore

  constructor(db: SqlDatabase) {
    super(db)
    this.#ledger = new SqlTransferLedger(db)
    this.#accounts = new SqlAccountStore(db)
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

  insertUser(user: UserRecord): Promise<boolean> {
    return this.#accounts.insertUser(user)
  }

  createFirstUser(user: UserRecord, use: TokenUse): Promise<boolean> {
    return this.#accounts.createFirstUser(user, use)
  }

  hasUsers(): Promise<boolean> {
    return this.#accounts.hasUsers()
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.#accounts.getUser(id)
  }

  findUserByName(username: string): Promise<UserRecord | null> {
    return this.#accounts.findUserByName(username)
  }

  listUsers(query: ListQuery): Promise<Page<UserRecord>> {
    return this.#accounts.listUsers(query)
  }

  disableUser(id: string, at: number): Promise<boolean> {
    return this.#accounts.disableUser(id, at)
  }

  setPassword(userId: string, hash: string): Promise<void> {
    return this.#accounts.setPassword(userId, hash)
  }

  acceptInvite(userId: string, hash: string, use: TokenUse): Promise<boolean> {
    return this.#accounts.acceptInvite(userId, hash, use)
  }

  findUserByIdentity(issuer: string, subject: string): Promise<UserRecord | null> {
    return this.#accounts.findUserByIdentity(issuer, subject)
  }

  insertIdentityUser(user: UserRecord, issuer: string, subject: string): Promise<void> {
    return this.#accounts.insertIdentityUser(user, issuer, subject)
  }

  setRole(userId: string, role: Role): Promise<void> {
    return this.#accounts.setRole(userId, role)
  }

  isTokenUsed(jti: string): Promise<boolean> {
    return this.#accounts.isTokenUsed(jti)
  }

  insertSession(session: SessionRecord): Promise<void> {
    return this.#accounts.insertSession(session)
  }

  findActiveSession(id: string, now: number): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    return this.#accounts.findActiveSession(id, now)
  }

  revokeSession(id: string, at: number): Promise<void> {
    return this.#accounts.revokeSession(id, at)
  }

  revokeSessions(userId: string, at: number, keep?: string): Promise<void> {
    return this.#accounts.revokeSessions(userId, at, keep)
  }

  beginAttempt(attempt: Attempt): Promise<AttemptAdmission> {
    return this.#accounts.beginAttempt(attempt)
  }

  forgetAttempt(id: string): Promise<void> {
    return this.#accounts.forgetAttempt(id)
  }

  sweepAccounts(now: number): Promise<void> {
    return this.#accounts.sweepAccounts(now)
  }

  startUpload(upload: UploadRecord, now: number, maxInFlight: number): Promise<boolean> {
    return this.#uploads.startUpload(upload, now, maxInFlight)
  }

  setUploadHandle(uploadId: string, handle: string): Promise<boolean> {
    return this.#uploads.setUploadHandle(uploadId, handle)
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

  finishUpload(uploadId: string, file: FileRecord): Promise<{ queued: number } | null> {
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
