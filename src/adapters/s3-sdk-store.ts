import { createHash } from 'node:crypto'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListPartsCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { S3Settings } from '../core/config'
import {
  type ObjectInfo,
  type ObjectStore,
  ObjectTooLargeError,
  PartLengthError,
  type PutResult,
  StorageFullError,
  type StoredObject,
  type StoredPart,
  UploadMissingError,
} from '../core/ports'
import type { S3ObjectReader } from './s3-get'
import type { S3Credentials } from './s3-signer'

// Large uploads go up as multipart in parts of this size; only a few parts
// are in memory at once, whatever the file's size.
const PART_SIZE = 8 * 1024 * 1024
const QUEUE_SIZE = 2
// Bytes asked of storage at a time when a joined object is read back to be hashed.
const READBACK_CHUNK = 256 * 1024

function isNoSuchUpload(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchUpload' || error.$metadata.httpStatusCode === 404)
}

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

/** An object as the reader gave it, as one web stream (what the hashes take). */
function streamOf(stored: StoredObject): ReadableStream<Uint8Array> {
  if ('body' in stored) return stored.body
  if ('bytes' in stored) return new Blob([stored.bytes]).stream()
  const { source } = stored
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await source.read(READBACK_CHUNK)
      if (chunk === null) controller.close()
      else controller.enqueue(chunk)
    },
    cancel: (reason) => source.cancel(reason),
  })
}

/** SHA-256 (hex) and length of a stream, with node:crypto: what both runtimes have. */
async function digestOf(body: ReadableStream<Uint8Array>): Promise<PutResult> {
  const hash = createHash('sha256')
  let size = 0
  const reader = body.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    hash.update(next.value)
    size += next.value.byteLength
  }
  return { size, sha256: hash.digest('hex') }
}

/** What differs between the runtimes in how the SDK is handed a stream, and how one is best hashed. */
export interface S3StreamOptions {
  /**
   * A streamed request body as the runtime's HTTP handler takes it: on Node a
   * stream.Readable (the SDK's Node handler sends nothing else), in workerd
   * the web stream itself. Given the exact length the body must have.
   */
  requestBody?(body: ReadableStream<Uint8Array>, length: number): unknown
  /** SHA-256 (hex) and length of an object's body as it is read back (docs/uploads.md, "Hashing"). */
  digest?(body: ReadableStream<Uint8Array>): Promise<PutResult>
}

/**
 * Everything the S3 store does but downloads and listing leftover uploads, through @aws-sdk/client-s3:
 * loaded by S3ObjectStore on the first call that needs it (./s3-store.ts).
 */
export class S3SdkStore implements Omit<ObjectStore, 'get' | 'listMultipartUploads'> {
  readonly #client: S3Client
  readonly #bucket: string
  readonly #reader: S3ObjectReader
  readonly #requestBody: (body: ReadableStream<Uint8Array>, length: number) => unknown
  readonly #digest: (body: ReadableStream<Uint8Array>) => Promise<PutResult>

  constructor(settings: S3Settings, options: S3StreamOptions, reader: S3ObjectReader) {
    this.#requestBody = options.requestBody ?? ((body) => body)
    this.#digest = options.digest ?? digestOf
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
    this.#reader = reader
  }

  /** The SDK's default chain of credentials on Node, when no keys are configured (cached and refreshed by the SDK). */
  credentials(): Promise<S3Credentials> {
    return this.#client.config.credentials()
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

  async createMultipart(key: string, options: { contentType: string }): Promise<string> {
    const result = await this.#client.send(
      new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key: key, ContentType: options.contentType }),
    )
    if (!result.UploadId) throw new Error('storage answered no UploadId')
    return result.UploadId
  }

  async putPart(key: string, handle: string, number: number, body: ReadableStream<Uint8Array>, length: number): Promise<StoredPart> {
    const abort = new AbortController()
    let wrongLength = false
    const refuse = () => {
      wrongLength = true
      // Storage is waiting for the rest of the declared length: stop it.
      abort.abort()
      throw new PartLengthError(length)
    }
    let size = 0
    let held: Uint8Array | null = null
    const metered = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        // One chunk is held back until the body ends: storage receives the
        // last of the declared bytes only once the part is known to be
        // exactly that long, so a part too long or too short is never stored
        // (and never replaces one sent before).
        transform(chunk, controller) {
          size += chunk.byteLength
          if (size > length) refuse()
          if (held) controller.enqueue(held)
          held = chunk
        },
        flush(controller) {
          if (size !== length) refuse()
          if (held) controller.enqueue(held)
        },
      }),
      // As in put(): the entry drains what was not read (src/node/unread-bodies.ts).
      { preventCancel: true },
    )
    try {
      const result = await this.#client.send(
        new UploadPartCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId: handle,
          PartNumber: number,
          ContentLength: length,
          Body: this.#requestBody(metered, length) as ReadableStream<Uint8Array>,
        }),
        { abortSignal: abort.signal },
      )
      return { number, size: length, etag: result.ETag ?? '' }
    } catch (error) {
      if (wrongLength) throw new PartLengthError(length)
      if (isNoSuchUpload(error)) throw new UploadMissingError(key)
      if (isFull(error)) throw new StorageFullError({ cause: error })
      throw error
    }
  }

  async listParts(key: string, handle: string): Promise<StoredPart[]> {
    const parts: StoredPart[] = []
    let marker: string | undefined
    try {
      for (;;) {
        const page = await this.#client.send(
          new ListPartsCommand({ Bucket: this.#bucket, Key: key, UploadId: handle, PartNumberMarker: marker }),
        )
        for (const part of page.Parts ?? []) {
          parts.push({ number: part.PartNumber ?? 0, size: part.Size ?? 0, etag: part.ETag ?? '' })
        }
        if (!page.IsTruncated || !page.NextPartNumberMarker) break
        marker = page.NextPartNumberMarker
      }
    } catch (error) {
      if (isNoSuchUpload(error)) throw new UploadMissingError(key)
      throw error
    }
    return parts.sort((a, b) => a.number - b.number)
  }

  async completeMultipart(key: string, handle: string, parts: StoredPart[]): Promise<PutResult> {
    if (parts.length === 0) {
      if ((await this.head(key)) === null) throw new UploadMissingError(key)
    } else {
      await this.#complete(key, handle, parts)
    }
    // S3 does not give the SHA-256 of a joined object: it is read back once
    // and hashed as it streams (docs/uploads.md, "Hashing"), straight into
    // the hash, which counts the bytes too.
    return this.#digest(streamOf(await this.#reader.get(key)))
  }

  async #complete(key: string, handle: string, parts: StoredPart[]): Promise<void> {
    try {
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId: handle,
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.number, ETag: part.etag })) },
        }),
      )
    } catch (error) {
      // Completed before, and the answer was lost: the object is the result.
      if (!isNoSuchUpload(error) || (await this.head(key)) === null) {
        throw isNoSuchUpload(error) ? new UploadMissingError(key) : error
      }
    }
  }

  async abortMultipart(key: string, handle: string): Promise<void> {
    try {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId: handle }))
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error
    }
  }
}
