import type { ApiKeyRecord, FileRecord, LinkRecord, LinkTarget } from './model'

/**
 * An object as storage returns it: a stream of the asked bytes, never the
 * whole file in memory — or, for a body of at most one read (64 KiB), the
 * bytes themselves, which a response can send in a single write.
 */
export type StoredObject = { body: ReadableStream<Uint8Array> } | { bytes: Uint8Array<ArrayBuffer> }

export interface ObjectInfo {
  size: number
  contentType: string | null
}

export interface PutResult {
  size: number
  sha256: string | null
}

/** Raised by a store when the object is not there (404 from S3, ENOENT on disk). */
export class ObjectMissingError extends Error {
  constructor(key: string) {
    super(`object ${key} is missing`)
    this.name = 'ObjectMissingError'
  }
}

/** Raised by put() when a body grows past the allowed size; nothing is left stored. */
export class ObjectTooLargeError extends Error {
  constructor(limit: number) {
    super(`object exceeds ${limit} bytes`)
    this.name = 'ObjectTooLargeError'
  }
}

/** Object storage: a local directory on Node, an S3-compatible bucket on both runtimes. */
export interface ObjectStore {
  /** Streams `body` into `key`; rejects with ObjectTooLargeError past `maxBytes`. */
  put(key: string, body: ReadableStream<Uint8Array>, options: { contentType: string; maxBytes: number }): Promise<PutResult>
  /** Reads bytes `start`..`end` (inclusive) or the whole object; ObjectMissingError when absent. */
  get(key: string, range?: { start: number; end: number }): Promise<StoredObject>
  /** Size and type, or null when the object is absent. */
  head(key: string): Promise<ObjectInfo | null>
  delete(key: string): Promise<void>
  /** Throws when storage cannot be reached (for /healthz). */
  ping(): Promise<void>
}

export interface Page<T> {
  items: T[]
  /** Opaque position after the last item, or null on the last page. */
  nextCursor: string | null
}

export interface ListQuery {
  /** Only this owner's rows; undefined for admins. */
  ownerId?: string
  limit: number
  cursor?: string
}

export interface TransferStart {
  /** Id of the new transfer row. */
  id: string
  linkId: string
  /** First byte offset of the transfer, and how many bytes it asks for. */
  start: number
  length: number
  /** Bytes reserved at once; the rest is reserved chunk by chunk as the body streams. */
  grant: number
  /**
   * 'fresh' counts a download (rule 2); 'resume' counts none and is admitted
   * only if its whole length fits in what is left of the byte budget (rule 3).
   */
  mode: 'fresh' | 'resume'
  now: number
  /** Until when an unsettled transfer is taken to be alive. */
  leaseUntil: number
  /** How long after expiry a resume may still start, in milliseconds. */
  resumeGrace: number
}

/** Why a transfer could not reserve more: it was told to stop, or the budget is spent for now. */
export type ReserveOutcome = 'granted' | 'stopped' | 'no_room'

export interface SweepResult {
  /** Transfers whose lease ran out, settled as cut after sending all they were granted. */
  expiredTransfers: number
}

/**
 * Links, counters, revocations and keys. Async so that SQLite (Node) and D1
 * (Workers) fill it alike. The counting methods are the atomic steps of
 * API.md's counting rules: each one is a single transaction whose guards make
 * concurrent requests safe without any lock held in the application.
 */
export interface StateStore {
  ping(): Promise<void>
  getSetting(name: string): Promise<string | null>
  putSetting(name: string, value: string): Promise<void>

  insertKey(key: ApiKeyRecord): Promise<void>
  findKeyByHash(hash: string): Promise<ApiKeyRecord | null>
  /** Sets disabled_at once; false when there is no such key. */
  disableKey(id: string, at: number): Promise<boolean>

  insertFile(file: FileRecord): Promise<void>
  getFile(id: string): Promise<FileRecord | null>
  listFiles(query: ListQuery): Promise<Page<FileRecord>>
  markFileDeleted(id: string, at: number): Promise<void>

  insertLink(link: LinkRecord): Promise<void>
  getLinkTarget(id: string): Promise<LinkTarget | null>
  listLinks(query: ListQuery & { fileId?: string }): Promise<Page<LinkRecord>>
  /** Sets revoked_at once (idempotent). */
  revokeLink(id: string, at: number): Promise<void>

  /** Counts (fresh) or checks the budget (resume) and reserves `grant` bytes, atomically; false when a guard refused. */
  startTransfer(start: TransferStart): Promise<boolean>
  /** Reserves `bytes` more for a live transfer if its budget and its stop offset allow (one guarded statement). */
  reserve(id: string, bytes: number, leaseUntil: number): Promise<ReserveOutcome>
  /**
   * Gives back one transfer's bytes that lie past the start of another
   * transfer of the link (or past `point`, where a resume wants to begin),
   * within the allowance `cap` (rule 3); a live transfer so trimmed stops at
   * that start. True when it freed something.
   */
  makeRoom(linkId: string, point: number | null, cap: number): Promise<boolean>
  /** Records the bytes actually sent and ends the reservation; idempotent. */
  settleTransfer(id: string, sent: number): Promise<void>
  /** Undoes a transfer that failed before its first byte: nothing consumed (rule 4). */
  cancelTransfer(id: string): Promise<void>
  /** Extends a live transfer's lease. */
  renewTransfer(id: string, leaseUntil: number): Promise<void>
  /** Settles transfers whose lease ran out (a crash mid-transfer) and drops old rows. */
  sweep(now: number): Promise<SweepResult>
}
