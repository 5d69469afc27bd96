import { createHash, randomUUID } from 'node:crypto'
import { mkdir, open, rename, rm, stat, access } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import {
  ObjectMissingError,
  ObjectTooLargeError,
  type ObjectInfo,
  type ObjectStore,
  type PutResult,
  type StoredObject,
} from '../core/ports'
import { isSafeObjectKey } from './object-key'

const CHUNK_SIZE = 64 * 1024

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}

/** The embedded default: objects as files under a directory, written atomically. */
export class DiskObjectStore implements ObjectStore {
  readonly #root: string
  readonly #staging: string

  constructor(directory: string) {
    this.#root = resolve(directory)
    this.#staging = join(this.#root, '.staging')
  }

  #path(key: string): string {
    const path = resolve(this.#root, key)
    if (!isSafeObjectKey(key) || !path.startsWith(this.#root + sep) || path.startsWith(this.#staging + sep)) {
      throw new ObjectMissingError(key)
    }
    return path
  }

  async put(key: string, body: ReadableStream<Uint8Array>, options: { maxBytes: number }): Promise<PutResult> {
    const target = this.#path(key)
    await mkdir(this.#staging, { recursive: true })
    // Written beside the store and renamed into place: a reader never sees a
    // half-written object, and a failed upload leaves nothing behind.
    const staged = join(this.#staging, randomUUID())
    const file = await open(staged, 'wx')
    const hash = createHash('sha256')
    let size = 0
    try {
      const reader = body.getReader()
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        const chunk = next.value
        size += chunk.byteLength
        if (size > options.maxBytes) throw new ObjectTooLargeError(options.maxBytes)
        hash.update(chunk)
        await file.write(chunk)
      }
      await file.sync()
      await file.close()
      await mkdir(dirname(target), { recursive: true })
      await rename(staged, target)
    } catch (error) {
      await file.close().catch(() => {})
      await rm(staged, { force: true })
      throw error
    }
    return { size, sha256: hash.digest('hex') }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    let file
    try {
      file = await open(this.#path(key), 'r')
    } catch (error) {
      if (isMissing(error)) throw new ObjectMissingError(key)
      throw error
    }
    const { size } = await file.stat()
    let position = range?.start ?? 0
    const end = Math.min(range ? range.end + 1 : size, size)
    const close = () => file.close().catch(() => {})
    const body = new ReadableStream<Uint8Array>({
      type: 'bytes',
      async pull(controller) {
        const want = Math.min(CHUNK_SIZE, end - position)
        if (want <= 0) {
          await close()
          controller.close()
          return
        }
        const buffer = new Uint8Array(want)
        const { bytesRead } = await file.read(buffer, 0, want, position)
        if (bytesRead === 0) {
          await close()
          controller.close()
          return
        }
        position += bytesRead
        controller.enqueue(bytesRead === want ? buffer : buffer.subarray(0, bytesRead))
      },
      cancel: close,
    })
    return { body, size }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const info = await stat(this.#path(key))
      return info.isFile() ? { size: info.size, contentType: null } : null
    } catch (error) {
      if (isMissing(error) || error instanceof ObjectMissingError) return null
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true })
  }

  async ping(): Promise<void> {
    await mkdir(this.#root, { recursive: true })
    await access(this.#root)
  }
}
