import * as fs from 'node:fs'
import { promisify } from 'node:util'
import type { ByteSource } from '../core/ports'
import { ReadBuffers } from './read-buffers'

const readInto = promisify(fs.read)
const closeFile = promisify(fs.close)

const MIN_READ = 64 * 1024
const MAX_READ = 1024 * 1024
/**
 * What the buffers waiting between two reads may hold, over all downloads:
 * the Node entry's write budget (src/node/direct-bodies.ts), so that the
 * downloads streaming at once find the buffers their writes handed back.
 */
const KEPT_BYTES = 4 * 1024 * 1024

/** The read buffers of every file source of the process. */
const fileReadBuffers = new ReadBuffers(MIN_READ, MAX_READ, KEPT_BYTES)

/**
 * Bytes `position`..`end`-1 of an open file, read with asynchronous reads
 * (the thread pool: a cold disk never blocks the event loop) into buffers
 * lent by a pool shared with every other download (`ReadBuffers`), handed
 * back through `release` and read into again. A fresh buffer per chunk
 * costs an allocation, page faults and garbage collection for every chunk:
 * more CPU than the read itself at large sizes.
 */
export class FileSource implements ByteSource {
  readonly #fd: number
  #position: number
  readonly #end: number
  readonly #buffers: ReadBuffers
  /**
   * The buffers lent to this source and not handed back: only those go back
   * to the pool, and once. Weak: a buffer its consumer keeps and never hands
   * back is left to the garbage collector, not held here.
   */
  readonly #lent = new WeakSet<ArrayBufferLike>()
  /** The descriptor is closed once, and never under a read in flight: a number closed early could be reused by another file. */
  #reading: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(fd: number, position: number, end: number, buffers: ReadBuffers = fileReadBuffers) {
    this.#fd = fd
    this.#buffers = buffers
    this.#position = position
    this.#end = end
  }

  async read(max: number): Promise<Uint8Array | null> {
    const want = Math.min(Math.max(MIN_READ, Math.min(max, MAX_READ)), this.#end - this.#position)
    if (this.#closed) return null
    if (want <= 0) {
      await this.#close()
      return null
    }
    const lent = this.#buffers.take(want)
    this.#lent.add(lent)
    const buffer = new Uint8Array(lent, 0, want)
    const read = readInto(this.#fd, buffer, 0, want, this.#position)
    this.#reading = read.catch(() => {})
    let bytesRead: number
    try {
      ;({ bytesRead } = await read)
    } catch (error) {
      this.release(buffer)
      await this.#close()
      throw error
    }
    if (this.#closed) {
      this.release(buffer)
      return null
    }
    if (bytesRead === 0) {
      // The file is shorter than its record says: fail, never end short as if complete.
      this.release(buffer)
      await this.#close()
      throw new Error('the stored file ended before its recorded size')
    }
    this.#position += bytesRead
    return bytesRead === want ? buffer : buffer.subarray(0, bytesRead)
  }

  release(chunk: Uint8Array): void {
    const buffer = chunk.buffer
    // A buffer handed back twice would be lent to two reads at once.
    if (this.#lent.delete(buffer)) this.#buffers.give(buffer as ArrayBuffer)
  }

  cancel(): Promise<void> {
    return this.#close()
  }

  async #close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#reading
    await closeFile(this.#fd).catch(() => {})
  }
}
