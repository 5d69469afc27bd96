import type { ByteSource } from './bytes'

/**
 * An object as storage returns it: the asked bytes as a web stream or as a
 * source read chunk by chunk (never the whole file in memory) — or, for a
 * body of at most one read (64 KiB), the bytes themselves, which a response
 * can send in a single write.
 */
export type StoredObject = { body: ReadableStream<Uint8Array> } | { source: ByteSource } | { bytes: Uint8Array<ArrayBuffer> }

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

/** Raised when a multipart upload is no longer in storage (completed, aborted, or never there). */
export class UploadMissingError extends Error {
  constructor(key: string) {
    super(`no multipart upload in progress for ${key}`)
    this.name = 'UploadMissingError'
  }
}

/** Raised by putPart() when a part's body is not exactly its declared length; nothing is kept. */
export class PartLengthError extends Error {
  constructor(expected: number) {
    super(`the part is not ${expected} bytes long`)
    this.name = 'PartLengthError'
  }
}

/** Raised by put() and putPart() when storage refused the bytes for lack of space (a full disk, a full bucket); nothing is left stored. */
export class StorageFullError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('storage is full', options)
    this.name = 'StorageFullError'
  }
}

/** A part as storage holds it; `etag` is what completing the upload names it by. */
export interface StoredPart {
  number: number
  size: number
  etag: string
}

/** A multipart upload storage still holds, found when looking for leftovers. */
export interface PendingMultipart {
  key: string
  handle: string
  startedAt: number
}

/**
 * Multipart uploads (docs/uploads.md): parts land in storage as they come, in
 * any order, and are joined into one object at the end. S3's own multipart
 * upload on the S3 store; files in a staging directory on disk.
 */
export interface MultipartStore {
  /** Starts a multipart upload into `key`; answers the store's handle for it. */
  createMultipart(key: string, options: { contentType: string }): Promise<string>
  /**
   * Stores part `number`, replacing any earlier one of that number. Rejects
   * with PartLengthError when the body is not exactly `length` bytes (nothing
   * is kept) and UploadMissingError when the upload is gone.
   */
  putPart(key: string, handle: string, number: number, body: ReadableStream<Uint8Array>, length: number): Promise<StoredPart>
  /** The parts storage holds, by number; UploadMissingError when the upload is gone. */
  listParts(key: string, handle: string): Promise<StoredPart[]>
  /**
   * Joins `parts` (ascending, as listParts gave them) into the object at `key`
   * and answers its size and SHA-256, read without holding the object in
   * memory. Completing an upload already completed answers the object as it
   * is, and so does an empty `parts` (asking only for what was joined
   * before); UploadMissingError when there is neither the upload nor the object.
   */
  completeMultipart(key: string, handle: string, parts: StoredPart[]): Promise<PutResult>
  /** Discards the upload and its parts; nothing happens when it is already gone. */
  abortMultipart(key: string, handle: string): Promise<void>
  /** Up to `limit` multipart uploads under `prefix` that storage still holds, oldest keys first. */
  listMultipartUploads(prefix: string, limit: number): Promise<PendingMultipart[]>
}

/** Object storage: a local directory on Node, an S3-compatible bucket on both runtimes. */
export interface ObjectStore extends MultipartStore {
  /** Streams `body` into `key`; rejects with ObjectTooLargeError past `maxBytes`, StorageFullError when out of space. */
  put(key: string, body: ReadableStream<Uint8Array>, options: { contentType: string; maxBytes: number }): Promise<PutResult>
  /** Reads bytes `start`..`end` (inclusive) or the whole object; ObjectMissingError when absent. */
  get(key: string, range?: { start: number; end: number }): Promise<StoredObject>
  /** Size and type, or null when the object is absent. */
  head(key: string): Promise<ObjectInfo | null>
  delete(key: string): Promise<void>
  /** Throws when storage cannot be reached (for /healthz). */
  ping(): Promise<void>
}
