/**
 * Bytes pulled one chunk at a time. A store returns one where its runtime has
 * something cheaper than a web stream (Node: a file descriptor read into
 * reused buffers, a socket); the download meter reads any body through one
 * (src/core/http/metered-stream.ts).
 */
export interface ByteSource {
  /** The next chunk, at most `max` bytes (a hint: it may be shorter), or null after the last. */
  read(max: number): Promise<Uint8Array | null>
  /**
   * The consumer no longer needs a chunk `read` returned: its memory may be
   * reused. A consumer need not call it; an unreleased chunk is left to the
   * garbage collector, so a source reuses only what it was given back.
   */
  release(chunk: Uint8Array): void
  /** Stops early and frees what the source holds (a file, a connection). */
  cancel(reason?: unknown): Promise<void>
}

/**
 * Where a runtime lets a metered body be written without a web stream in
 * between (Node: the server response, src/node/direct-bodies.ts).
 */
export interface ByteSink {
  /**
   * Hands a chunk on; `done` is called once its memory is no longer needed.
   * False when the sink is full: wait for `ready` before writing more.
   */
  write(chunk: Uint8Array, done: () => void): boolean
  /** Resolves when the sink takes more, or has closed. */
  ready(): Promise<void>
  /** The body is complete. */
  end(): void
  /** Breaks the answer off (the connection is reset): a short body is never passed off as complete. */
  abort(error: unknown): void
  /** `listener` runs once if the client goes away before the end. */
  onClose(listener: () => void): void
}
