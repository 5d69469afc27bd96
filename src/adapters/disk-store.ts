import { createHash, randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import { access, type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { isSafeObjectKey } from '../core/object-key'
import {
  type ObjectInfo,
  ObjectMissingError,
  type ObjectStore,
  ObjectTooLargeError,
  PartLengthError,
  type PendingMultipart,
  type PutResult,
  StorageFullError,
  type StoredObject,
  type StoredPart,
  UploadMissingError,
} from '../core/ports'
import { FileSource } from './file-source'

const CHUNK_SIZE = 64 * 1024
// Parts are joined through one buffer of this size: a few reads and writes
// per MiB, and never more of the file in memory.
const JOIN_BUFFER = 1024 * 1024
const HANDLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const PART_FILE = /^\d{1,5}$/

/** ENOENT: the object is not there. */
function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}

/** The disk (or the user's quota on it) is full. */
function isFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

// Objects, directories and staged uploads are the owner's alone (docs/security.md, finding 8).
const FILE_MODE = 0o600
const DIRECTORY_MODE = 0o700

/** Whether a process of that id still runs (EPERM: it does, as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A full disk or quota is the store's to report as such (507), not as a fault. */
function storageError(error: unknown): unknown {
  return isFull(error) ? new StorageFullError({ cause: error }) : error
}

/** Copies `from` to the end of `to` through `buffer`, feeding `hash` on the way; answers the bytes copied. */
async function appendFile(from: string, to: FileHandle, buffer: Uint8Array, hash: ReturnType<typeof createHash>): Promise<number> {
  const source = await open(from, 'r')
  let copied = 0
  try {
    for (;;) {
      const { bytesRead } = await source.read(buffer, 0, buffer.byteLength, copied)
      if (bytesRead === 0) return copied
      const chunk = buffer.subarray(0, bytesRead)
      hash.update(chunk)
      await to.write(chunk)
      copied += bytesRead
    }
  } finally {
    await source.close()
  }
}

/**
 * The embedded default: objects as files under a directory, written
 * atomically. An upload is staged in a directory of this process's own
 * (`.staging/<pid>-<random>`), so that what a killed process left behind can
 * be told apart from what a live one is writing, and removed.
 * Uploads in parts keep each part as a file under .uploads/<handle>/ until
 * they are joined (docs/uploads.md).
 */
export class DiskObjectStore implements ObjectStore {
  readonly #root: string
  readonly #stagingRoot: string
  readonly #session = `${process.pid}-${randomUUID().slice(0, 8)}`
  readonly #staging: string
  readonly #uploads: string

  constructor(directory: string) {
    this.#root = resolve(directory)
    this.#stagingRoot = join(this.#root, '.staging')
    this.#staging = join(this.#stagingRoot, this.#session)
    this.#uploads = join(this.#root, '.uploads')
  }

  /**
   * Removes uploads that no process is writing any more: staged by a process
   * that is gone, or by an earlier process of this same id (a restarted
   * container's server often gets the id its predecessor had).
   */
  async removeAbandonedUploads(): Promise<void> {
    const sessions = await readdir(this.#stagingRoot).catch(() => [])
    for (const session of sessions) {
      const pid = Number(session.split('-')[0])
      if (session === this.#session || (Number.isSafeInteger(pid) && pid !== process.pid && isAlive(pid))) continue
      await rm(join(this.#stagingRoot, session), { recursive: true, force: true })
    }
  }

  #path(key: string): string {
    const path = resolve(this.#root, key)
    if (
      !isSafeObjectKey(key) ||
      !path.startsWith(this.#root + sep) ||
      path.startsWith(this.#stagingRoot + sep) ||
      path.startsWith(this.#uploads + sep)
    ) {
      throw new ObjectMissingError(key)
    }
    return path
  }

  /** The directory of an upload's parts; UploadMissingError unless it is there and was made for `key`. */
  async #uploadDir(key: string, handle: string): Promise<string> {
    const dir = join(this.#uploads, handle)
    if (!HANDLE.test(handle)) throw new UploadMissingError(key)
    try {
      if ((await readFile(join(dir, 'key'), 'utf8')) === key) return dir
    } catch (error) {
      if (!isMissing(error)) throw error
    }
    throw new UploadMissingError(key)
  }

  async put(key: string, body: ReadableStream<Uint8Array>, options: { maxBytes: number }): Promise<PutResult> {
    const target = this.#path(key)
    await mkdir(this.#staging, { recursive: true, mode: DIRECTORY_MODE })
    // Written beside the store and renamed into place: a reader never sees a
    // half-written object, and a failed upload leaves nothing behind.
    const staged = join(this.#staging, randomUUID())
    const file = await open(staged, 'wx', FILE_MODE)
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
      await mkdir(dirname(target), { recursive: true, mode: DIRECTORY_MODE })
      await rename(staged, target)
    } catch (error) {
      await file.close().catch(() => {})
      await rm(staged, { force: true })
      throw storageError(error)
    }
    return { size, sha256: hash.digest('hex') }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    // Opening, sizing and reading one chunk are done synchronously, as
    // nginx does by default: on a local disk they take microseconds, while
    // each trip through libuv's thread pool costs more CPU than a small
    // download in total. Only longer bodies stream, with asynchronous reads.
    let fd: number
    try {
      fd = fs.openSync(this.#path(key), 'r')
    } catch (error) {
      if (isMissing(error)) throw new ObjectMissingError(key)
      throw error
    }
    let position: number
    let end: number
    try {
      const size = fs.fstatSync(fd).size
      position = range?.start ?? 0
      end = Math.min(range ? range.end + 1 : size, size)
      // What fits in one chunk is read now, and the file closed at once: the
      // body is ready when the response starts, and a read error is known
      // before the first byte (nothing is consumed).
      if (end - position <= CHUNK_SIZE) {
        const chunk = new Uint8Array(Math.max(0, end - position))
        const read = chunk.byteLength === 0 ? 0 : fs.readSync(fd, chunk, 0, chunk.byteLength, position)
        fs.closeSync(fd)
        return { bytes: read === chunk.byteLength ? chunk : chunk.subarray(0, read) }
      }
    } catch (error) {
      fs.closeSync(fd)
      throw error
    }

    return { source: new FileSource(fd, position, end) }
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
    await mkdir(this.#root, { recursive: true, mode: DIRECTORY_MODE })
    await access(this.#root)
  }

  async createMultipart(key: string): Promise<string> {
    this.#path(key)
    const handle = randomUUID()
    const dir = join(this.#uploads, handle)
    try {
      await mkdir(dir, { recursive: true, mode: DIRECTORY_MODE })
      await writeFile(join(dir, 'key'), key, { mode: FILE_MODE })
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw storageError(error)
    }
    return handle
  }

  async putPart(key: string, handle: string, number: number, body: ReadableStream<Uint8Array>, length: number): Promise<StoredPart> {
    const dir = await this.#uploadDir(key, handle)
    // Written beside the parts and renamed over the part's name once whole:
    // a part sent again replaces the earlier one only if it arrives whole.
    // Inside the upload's directory, so that an abort removes it too.
    const partial = join(dir, `${number}.${randomUUID()}.partial`)
    let file: FileHandle
    try {
      file = await open(partial, 'wx', FILE_MODE)
    } catch (error) {
      if (isMissing(error)) throw new UploadMissingError(key)
      throw storageError(error)
    }
    try {
      let size = 0
      const reader = body.getReader()
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        size += next.value.byteLength
        if (size > length) throw new PartLengthError(length)
        await file.write(next.value)
      }
      if (size !== length) throw new PartLengthError(length)
      await file.datasync()
      await file.close()
      await rename(partial, join(dir, String(number)))
    } catch (error) {
      await file.close().catch(() => {})
      await rm(partial, { force: true })
      if (isMissing(error)) throw new UploadMissingError(key)
      throw storageError(error)
    }
    return { number, size: length, etag: '' }
  }

  async listParts(key: string, handle: string): Promise<StoredPart[]> {
    const dir = await this.#uploadDir(key, handle)
    const parts: StoredPart[] = []
    for (const name of await readdir(dir)) {
      if (!PART_FILE.test(name)) continue
      const info = await stat(join(dir, name))
      parts.push({ number: Number(name), size: info.size, etag: '' })
    }
    return parts.sort((a, b) => a.number - b.number)
  }

  async completeMultipart(key: string, handle: string, parts: StoredPart[]): Promise<PutResult> {
    const target = this.#path(key)
    if (parts.length === 0) return this.#digest(key, target)
    let dir: string
    try {
      dir = await this.#uploadDir(key, handle)
    } catch (error) {
      // Completed before (the answer was lost): the object is the result.
      if (error instanceof UploadMissingError) return this.#digest(key, target)
      throw error
    }
    await mkdir(this.#staging, { recursive: true, mode: DIRECTORY_MODE })
    const staged = join(this.#staging, randomUUID())
    const hash = createHash('sha256')
    const buffer = new Uint8Array(JOIN_BUFFER)
    let size = 0
    const file = await open(staged, 'wx', FILE_MODE).catch((error: unknown) => {
      throw storageError(error)
    })
    try {
      for (const part of parts) size += await appendFile(join(dir, String(part.number)), file, buffer, hash)
      await file.sync()
      await file.close()
      await mkdir(dirname(target), { recursive: true, mode: DIRECTORY_MODE })
      await rename(staged, target)
    } catch (error) {
      await file.close().catch(() => {})
      await rm(staged, { force: true })
      if (isMissing(error)) throw new UploadMissingError(key)
      throw storageError(error)
    }
    await rm(dir, { recursive: true, force: true })
    return { size, sha256: hash.digest('hex') }
  }

  /** Size and SHA-256 of a stored object, read through one buffer. */
  async #digest(key: string, path: string): Promise<PutResult> {
    const hash = createHash('sha256')
    const buffer = new Uint8Array(JOIN_BUFFER)
    let handle: FileHandle
    try {
      handle = await open(path, 'r')
    } catch (error) {
      if (isMissing(error)) throw new UploadMissingError(key)
      throw error
    }
    let size = 0
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, size)
        if (bytesRead === 0) break
        hash.update(buffer.subarray(0, bytesRead))
        size += bytesRead
      }
    } finally {
      await handle.close()
    }
    return { size, sha256: hash.digest('hex') }
  }

  async abortMultipart(_key: string, handle: string): Promise<void> {
    if (!HANDLE.test(handle)) return
    await rm(join(this.#uploads, handle), { recursive: true, force: true })
  }

  async listMultipartUploads(prefix: string, limit: number): Promise<PendingMultipart[]> {
    let handles: string[]
    try {
      handles = (await readdir(this.#uploads)).filter((name) => HANDLE.test(name))
    } catch (error) {
      if (isMissing(error)) return []
      throw error
    }
    const found: PendingMultipart[] = []
    for (const handle of handles) {
      const keyFile = join(this.#uploads, handle, 'key')
      try {
        const key = await readFile(keyFile, 'utf8')
        if (key.startsWith(prefix)) found.push({ key, handle, startedAt: (await stat(keyFile)).mtimeMs })
      } catch (error) {
        // Made a moment ago and not yet named, or removed meanwhile.
        if (!isMissing(error)) throw error
      }
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, limit)
  }
}
