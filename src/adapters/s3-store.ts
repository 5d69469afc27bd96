import { createHash } from 'node:crypto'
import { DeleteObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { S3Settings } from '../core/config'
import { type ObjectInfo, type ObjectStore, ObjectTooLargeError, type PutResult, StorageFullError, type StoredObject } from '../core/ports'
import { fetchTransport, S3ObjectReader, type S3Transport } from './s3-get'

// Large uploads go up as multipart in parts of this size; only a few parts
// are in memory at once, whatever the file's size.
const PART_SIZE = 8 * 1024 * 1024
const QUEUE_SIZE = 2

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  )
}

/** 507 Insufficient Storage: what S3-compatible servers on a disk of their own (MinIO's XMinioStorageFull) answer when it is full. */
function isFull(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 507 || error.name === 'XMinioStorageFull')
}

/**
 * Any S3-compatible bucket (Node and Workers alike): downloads through one
 * signed GET on the runtime's `transport` (src/adapters/s3-get.ts), the rest
 * through @aws-sdk/client-s3.
 */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client
  readonly #bucket: string
  readonly #reader: S3ObjectReader

  constructor(settings: S3Settings, transport: S3Transport = fetchTransport) {
    this.#bucket = settings.bucket
    this.#client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      // The SDK's default checksums wrap streamed bodies in aws-chunked
      // framing that S3-compatible servers do not all understand.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
    // The SDK's credentials: the configured keys, or its default chain on Node (cached and refreshed by the SDK).
    this.#reader = new S3ObjectReader(settings, transport, () => this.#client.config.credentials())
  }

  async put(key: string, body: ReadableStream<Uint8Array>, options: { contentType: string; maxBytes: number }): Promise<PutResult> {
    const hash = createHash('sha256')
    let size = 0
    const metered = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength
          if (size > options.maxBytes) throw new ObjectTooLargeError(options.maxBytes)
          hash.update(chunk)
          controller.enqueue(chunk)
        },
      }),
      // A failed upload stops reading the request body and leaves the rest to
      // the entry (src/node/unread-bodies.ts drains it after the answer), as
      // the disk store does: cancelling it would destroy the request on Node
      // and leave its keep-alive connection unable to carry the next request.
      { preventCancel: true },
    )
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.#bucket, Key: key, Body: metered, ContentType: options.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    })
    try {
      await upload.done()
    } catch (error) {
      if (size > options.maxBytes) throw new ObjectTooLargeError(options.maxBytes)
      if (isFull(error)) throw new StorageFullError({ cause: error })
      throw error
    }
    return { size, sha256: hash.digest('hex') }
  }

  get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    return this.#reader.get(key, range)
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const result = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }))
      return { size: result.ContentLength ?? 0, contentType: result.ContentType ?? null }
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }))
  }

  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }))
  }
}
