import type { S3Settings } from '../core/config'
import type { ObjectInfo, ObjectStore, PendingMultipart, PutResult, StoredObject, StoredPart } from '../core/ports'
import { fetchTransport, S3ObjectReader, type S3Transport } from './s3-get'
import type { S3SdkStore, S3StreamOptions } from './s3-sdk-store'

/**
 * Any S3-compatible bucket (Node and Workers alike): downloads through one
 * signed GET on the runtime's `transport` (src/adapters/s3-get.ts), the rest
 * through @aws-sdk/client-s3 (./s3-sdk-store.ts).
 *
 * The SDK is loaded on the first call that needs it (an upload, an import, a
 * deletion, a health check), not at start; the sweep's listing of leftover
 * multipart uploads is a signed GET too: it is about 7 MiB of memory and
 * half a second of loading that a server only downloading from the bucket
 * never needs (docs/performance.md, "Memory").
 */
export class S3ObjectStore implements ObjectStore {
  readonly #settings: S3Settings
  readonly #options: S3StreamOptions
  readonly #reader: S3ObjectReader
  #sdk: Promise<S3SdkStore> | null = null

  constructor(settings: S3Settings, options: S3StreamOptions = {}, transport: S3Transport = fetchTransport) {
    this.#settings = settings
    this.#options = options
    const { accessKeyId, secretAccessKey } = settings
    const keys = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null
    // The configured keys; without them, the SDK's default chain (Node only).
    this.#reader = new S3ObjectReader(settings, transport, keys ? async () => keys : () => this.#loaded().then((sdk) => sdk.credentials()))
  }

  /** The SDK's part of the store, loaded once; a failed load is tried again on the next call. */
  #loaded(): Promise<S3SdkStore> {
    this.#sdk ??= import('./s3-sdk-store').then(
      ({ S3SdkStore }) => new S3SdkStore(this.#settings, this.#options, this.#reader),
      (error: unknown) => {
        this.#sdk = null
        throw error
      },
    )
    return this.#sdk
  }

  get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    return this.#reader.get(key, range)
  }

  async put(key: string, body: ReadableStream<Uint8Array>, options: { contentType: string; maxBytes: number }): Promise<PutResult> {
    return (await this.#loaded()).put(key, body, options)
  }

  async head(key: string): Promise<ObjectInfo | null> {
    return (await this.#loaded()).head(key)
  }

  async delete(key: string): Promise<void> {
    return (await this.#loaded()).delete(key)
  }

  async ping(): Promise<void> {
    return (await this.#loaded()).ping()
  }

  async createMultipart(key: string, options: { contentType: string }): Promise<string> {
    return (await this.#loaded()).createMultipart(key, options)
  }

  async putPart(key: string, handle: string, number: number, body: ReadableStream<Uint8Array>, length: number): Promise<StoredPart> {
    return (await this.#loaded()).putPart(key, handle, number, body, length)
  }

  async listParts(key: string, handle: string): Promise<StoredPart[]> {
    return (await this.#loaded()).listParts(key, handle)
  }

  async completeMultipart(key: string, handle: string, parts: StoredPart[]): Promise<PutResult> {
    return (await this.#loaded()).completeMultipart(key, handle, parts)
  }

  async abortMultipart(key: string, handle: string): Promise<void> {
    return (await this.#loaded()).abortMultipart(key, handle)
  }

  listMultipartUploads(prefix: string, limit: number): Promise<PendingMultipart[]> {
    return this.#reader.listMultipartUploads(prefix, limit)
  }
}
