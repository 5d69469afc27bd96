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

/** Raised by put() when storage refused the bytes for lack of space (a full disk, a full bucket); nothing is left stored. */
export class StorageFullError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('storage is full', options)
    this.name = 'StorageFullError'
  }
}

/** Object storage: a local directory on Node, an S3-compatible bucket on both runtimes. */
export interface ObjectStore {
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
