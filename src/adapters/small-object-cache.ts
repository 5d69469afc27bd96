import { isServiceObjectKey } from '../core/object-key'
import type { ObjectStore, PutResult, StoredObject, StoredPart } from '../core/ports'
import { ObjectStoreWrapper } from './object-store-wrapper'

export interface SmallObjectLimits {
  /** The largest object kept: what storage answers as bytes in hand (one read). */
  maxObjectBytes: number
  /** All objects kept together; the least recently read go first. */
  maxTotalBytes: number
}

export const SMALL_OBJECT_LIMITS: SmallObjectLimits = { maxObjectBytes: 64 * 1024, maxTotalBytes: 8 * 1024 * 1024 }

/**
 * Small objects of the service's own keys (`files/<id>`), kept in memory
 * after their first whole read: a hot link's next downloads skip storage's
 * round trip, which is most of a small download's cost from S3
 * (docs/performance.md, "Small objects kept in memory"). Those objects never
 * change: an upload writes a new id once, and a file's record is checked
 * (deleted or not) before its object is read. An imported object, named by an
 * admin, may be replaced in the bucket by its owner, so it is never kept.
 *
 * Every answer is a copy: whoever sends it may hand its buffer on, and the
 * kept bytes must stay whole.
 */
export class SmallObjectCache extends ObjectStoreWrapper {
  readonly #limits: SmallObjectLimits
  /** In order of last reading, least recent first. */
  readonly #kept = new Map<string, Uint8Array<ArrayBuffer>>()
  #totalBytes = 0

  constructor(inner: ObjectStore, limits: SmallObjectLimits = SMALL_OBJECT_LIMITS) {
    super(inner)
    this.#limits = limits
  }

  /** What is kept now (the tests read it). */
  get size(): { objects: number; bytes: number } {
    return { objects: this.#kept.size, bytes: this.#totalBytes }
  }

  override async get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    const kept = this.#kept.get(key)
    if (kept) {
      this.#kept.delete(key)
      this.#kept.set(key, kept)
      return { bytes: range ? kept.slice(range.start, range.end + 1) : kept.slice() }
    }
    const object = await this.inner.get(key, range)
    if (range === undefined && 'bytes' in object && isServiceObjectKey(key)) this.#keep(key, object.bytes.slice())
    return object
  }

  override async delete(key: string): Promise<void> {
    this.#forget(key)
    await this.inner.delete(key)
  }

  // The service never writes a kept key again; forgetting it on a write anyway
  // keeps the cache right if that ever changes.
  override async put(
    key: string,
    body: ReadableStream<Uint8Array>,
    options: { contentType: string; maxBytes: number },
  ): Promise<PutResult> {
    this.#forget(key)
    try {
      return await this.inner.put(key, body, options)
    } finally {
      this.#forget(key)
    }
  }

  override async completeMultipart(key: string, handle: string, parts: StoredPart[]): Promise<PutResult> {
    this.#forget(key)
    try {
      return await this.inner.completeMultipart(key, handle, parts)
    } finally {
      this.#forget(key)
    }
  }

  #keep(key: string, bytes: Uint8Array<ArrayBuffer>): void {
    if (bytes.byteLength > this.#limits.maxObjectBytes || bytes.byteLength > this.#limits.maxTotalBytes) return
    this.#forget(key)
    this.#kept.set(key, bytes)
    this.#totalBytes += bytes.byteLength
    for (const [oldest, oldBytes] of this.#kept) {
      if (this.#totalBytes <= this.#limits.maxTotalBytes) break
      this.#kept.delete(oldest)
      this.#totalBytes -= oldBytes.byteLength
    }
  }

  #forget(key: string): void {
    const bytes = this.#kept.get(key)
    if (!bytes) return
    this.#kept.delete(key)
    this.#totalBytes -= bytes.byteLength
  }
}
