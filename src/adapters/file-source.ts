import * as fs from 'node:fs'
import { promisify } from 'node:util'
import type { ByteSource } from '../core/ports'

const readInto = promisify(fs.read)
const closeFile = promisify(fs.close)

const MIN_READ = 64 * 1024
const MAX_READ = 1024 * 1024
/** Buffers a source keeps for reuse: one being written while the next is read. */
const KEPT = 2

/** The smallest power of two of at least `size` bytes, within the read sizes. */
function bufferSize(size: number): number {
  let bytes = MIN_READ
  while (bytes < size && bytes < MAX_READ) bytes *= 2
  return bytes
}

/**
 * Bytes `position`..`end`-1 of an open file, read with asynchronous reads
 * (the thread pool: a cold disk never blocks the event loop) into buffers
 * that come back through `release` and are read into again. A fresh buffer
 * per chunk costs an allocation, page faults and garbage collection for every
 * chunk: more CPU than the read itself at large sizes.
 */
export class FileSource implements ByteSource {
  readonly #fd: number
  #position: number
  readonly #end: number
  readonly #free: ArrayBuffer[] = []
  readonly #mine = new WeakSet<ArrayBufferLike>()
  /** The descriptor is closed once, and never under a read in flight: a number closed early could be reused by another file. */
  #reading: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(fd: number, position: number, end: number) {
    this.#fd = fd
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
    const buffer = new Uint8Array(this.#take(want), 0, want)
    const read = readInto(this.#fd, buffer, 0, want, this.#position)
    this.#reading = read.catch(() => {})
    let bytesRead: number
    try {
      ;({ bytesRead } = await read)
    } catch (error) {
      await this.#close()
      throw error
    }
    if (this.#closed) return null
    if (bytesRead === 0) {
      // The file is shorter than its record says: fail, never end short as if complete.
      await this.#close()
      throw new Error('the stored file ended before its recorded size')
    }
    this.#position += bytesRead
    return bytesRead === want ? buffer : buffer.subarray(0, bytesRead)
  }

  release(chunk: Uint8Array): void {
    const buffer = chunk.buffer
    if (this.#free.length < KEPT && this.#mine.has(buffer) && !this.#free.includes(buffer as ArrayBuffer))
      this.#free.push(buffer as ArrayBuffer)
  }

  cancel(): Promise<void> {
    return this.#close()
  }

  #take(want: number): ArrayBuffer {
    const size = bufferSize(want)
    // Reads that shrank (the client slowed down, or more downloads share the
    // write budget) let their larger buffers go instead of holding them.
    for (let i = this.#free.length - 1; i >= 0; i--) if (this.#free[i]!.byteLength > size) this.#free.splice(i, 1)
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= want)
    if (index >= 0) return this.#free.splice(index, 1)[0]!
    // Uninitialised memory is fine: only the bytes a read filled are ever handed on.
    const buffer = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer
    this.#mine.add(buffer)
    return buffer
  }

  async #close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#reading
    await closeFile(this.#fd).catch(() => {})
  }
}
