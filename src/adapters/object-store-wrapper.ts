import type { ObjectInfo, ObjectStore, PendingMultipart, PutResult, StoredObject, StoredPart } from '../core/ports'

/**
 * An object store in front of another that passes every call through: a
 * wrapper overrides only the calls it changes (large chunks on the Worker,
 * the small-object cache).
 */
export class ObjectStoreWrapper implements ObjectStore {
  constructor(protected readonly inner: ObjectStore) {}

  put(key: string, body: ReadableStream<Uint8Array>, options: { contentType: string; maxBytes: number }): Promise<PutResult> {
    return this.inner.put(key, body, options)
  }

  get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    return this.inner.get(key, range)
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.inner.head(key)
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key)
  }

  ping(): Promise<void> {
    return this.inner.ping()
  }

  createMultipart(key: string, options: { contentType: string }): Promise<string> {
    return this.inner.createMultipart(key, options)
  }

  putPart(key: string, handle: string, number: number, body: ReadableStream<Uint8Array>, length: number): Promise<StoredPart> {
    return this.inner.putPart(key, handle, number, body, length)
  }

  listParts(key: string, handle: string): Promise<StoredPart[]> {
    return this.inner.listParts(key, handle)
  }

  completeMultipart(key: string, handle: string, parts: StoredPart[]): Promise<PutResult> {
    return this.inner.completeMultipart(key, handle, parts)
  }

  abortMultipart(key: string, handle: string): Promise<void> {
    return this.inner.abortMultipart(key, handle)
  }

  listMultipartUploads(prefix: string, limit: number): Promise<PendingMultipart[]> {
    return this.inner.listMultipartUploads(prefix, limit)
  }
}
