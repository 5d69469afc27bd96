/**
 * Read buffers shared by every download of the process: a buffer handed back
 * after its write is read into again by whichever download asks next for
 * one of its size. Kept per download, a crowd of slow clients held two
 * buffers each, and every change of read size (clients arriving or leaving
 * move each download's share of the write budget) made fresh ones while the
 * old ones waited for a garbage collection (docs/performance.md, "Read
 * buffers shared by every download").
 */
export class ReadBuffers {
  /** Buffers waiting to be lent again, the longest waiting first. */
  readonly #idle: ArrayBuffer[] = []
  #idleBytes = 0
  /** The buffers this pool made: any other handed to `give` is not its to lend. */
  readonly #made = new WeakSet<ArrayBuffer>()

  /**
   * @param smallest the smallest buffer, bytes (a power of two)
   * @param largest the largest buffer, bytes (a power of two)
   * @param keptBytes the most the buffers waiting may hold in all
   */
  constructor(
    readonly smallest: number,
    readonly largest: number,
    readonly keptBytes: number,
  ) {}

  /** The size of buffer a read of `bytes` gets: the smallest power of two that holds them, within the sizes. */
  sizeFor(bytes: number): number {
    let size = this.smallest
    while (size < bytes && size < this.largest) size *= 2
    return size
  }

  /** A buffer of `sizeFor(bytes)` bytes: one handed back earlier, or a new one. */
  take(bytes: number): ArrayBuffer {
    const size = this.sizeFor(bytes)
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const buffer = this.#idle[i]!
      if (buffer.byteLength !== size) continue
      this.#idle.splice(i, 1)
      this.#idleBytes -= size
      return buffer
    }
    // Uninitialised memory is fine: only the bytes a read filled are ever handed on.
    const buffer = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer
    this.#made.add(buffer)
    return buffer
  }

  /**
   * Hands back a buffer `take` lent, once nothing reads it any more (any
   * other buffer is ignored). Beyond
   * `keptBytes`, the buffers that waited longest are let go: sizes no
   * download asks for any more leave first.
   */
  give(buffer: ArrayBuffer): void {
    if (!this.#made.has(buffer)) return
    this.#idle.push(buffer)
    this.#idleBytes += buffer.byteLength
    while (this.#idleBytes > this.keptBytes) this.#idleBytes -= this.#idle.shift()!.byteLength
  }

  /** The bytes of the buffers waiting to be lent. */
  get idleBytes(): number {
    return this.#idleBytes
  }
}
