import { createHash } from 'node:crypto'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { S3Settings } from '../core/config'
import {
  type ObjectInfo,
  ObjectMissingError,
  type ObjectStore,
  ObjectTooLargeError,
  type PutResult,
  StorageFullError,
  type StoredObject,
} from '../core/ports'

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

/** What the SDK's GetObject body is on Node: an http.IncomingMessage. */
interface NodeReadable {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown
  on(event: 'end' | 'close', listener: () => void): unknown
  on(event: 'error', listener: (error: unknown) => void): unknown
  pause(): unknown
  resume(): unknown
  destroy(error?: Error): unknown
}

function isNodeReadable(body: unknown): body is NodeReadable {
  const candidate = body as Partial<NodeReadable> | null
  return typeof candidate?.on === 'function' && typeof candidate.pause === 'function' && typeof candidate.resume === 'function'
}

// What a body may hold ahead of the response, on top of the socket's own buffers.
const BODY_QUEUE_BYTES = 64 * 1024

/**
 * The SDK's body as a web stream. In workerd it already is one. On Node it is
 * an IncomingMessage, and the SDK's transformToWebStream() (Readable.toWeb)
 * copies every chunk into a fresh Uint8Array: on a large object that copy and
 * the garbage it leaves cost more CPU than the rest of the proxying. The
 * chunks are handed on as they are instead; nothing downstream keeps or
 * transfers them. Backpressure as before: the source pauses while the queue
 * is full; cancelling destroys it.
 */
function webStreamOf(body: unknown, fallback: () => ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body as ReadableStream<Uint8Array>
  if (!isNodeReadable(body)) return fallback()
  const source = body
  let settled = false
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.on('data', (chunk) => {
          if (settled) return
          controller.enqueue(chunk)
          if ((controller.desiredSize ?? 0) <= 0) source.pause()
        })
        source.on('end', () => {
          if (settled) return
          settled = true
          controller.close()
        })
        source.on('error', (error) => {
          if (settled) return
          settled = true
          controller.error(error)
        })
        // Closed without 'end': the connection to storage broke mid-body.
        source.on('close', () => {
          if (settled) return
          settled = true
          controller.error(new Error('the storage response ended before its last byte'))
        })
      },
      pull() {
        source.resume()
      },
      cancel(reason) {
        settled = true
        source.destroy(reason instanceof Error ? reason : undefined)
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: BODY_QUEUE_BYTES }),
  )
}

/** Any S3-compatible bucket, through @aws-sdk/client-s3 (Node and Workers alike). */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client
  readonly #bucket: string

  constructor(settings: S3Settings) {
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

  async get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    try {
      const result = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      )
      const body = result.Body
      if (!body) throw new ObjectMissingError(key)
      return { body: webStreamOf(body, () => body.transformToWebStream() as ReadableStream<Uint8Array>) }
    } catch (error) {
      if (isNotFound(error)) throw new ObjectMissingError(key)
      throw error
    }
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
