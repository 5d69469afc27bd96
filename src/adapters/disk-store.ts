import { createHash, randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { isSafeObjectKey } from '../core/object-key'
import {
  type ObjectInfo,
  ObjectMissingError,
  type ObjectStore,
  ObjectTooLargeError,
  type PutResult,
  StorageFullError,
  type StoredObject,
} from '../core/ports'
import { FileSource } from './file-source'

const CHUNK_SIZE = 64 * 1024

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

/**
 * The embedded default: objects as files under a directory, written
 * atomically. An upload is staged in a directory of this process's own
 * (`.staging/<pid>-<random>`), so that what a killed process left behind can
 * be told apart from what a live one is writing, and removed.
 */
export class DiskObjectStore implements ObjectStore {
  readonly #root: string
  readonly #stagingRoot: string
  readonly #session = `${process.pid}-${randomUUID().slice(0, 8)}`
  readonly #staging: string

  constructor(directory: string) {
    this.#root = resolve(directory)
    this.#stagingRoot = join(this.#root, '.staging')
    this.#staging = join(this.#stagingRoot, this.#session)
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
    if (!isSafeObjectKey(key) || !path.startsWith(this.#root + sep) || path.startsWith(this.#stagingRoot + sep)) {
      throw new ObjectMissingError(key)
    }
    return path
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
      throw isFull(error) ? new StorageFullError({ cause: error }) : error
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
}
