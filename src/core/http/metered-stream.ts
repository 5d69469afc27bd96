import type { ByteSink, ByteSource } from '../ports'
import { sourceOfStream } from './byte-sources'

/** How a metered body ended: all of it sent, the client went away or stalled, storage failed, or the budget said stop. */
export type StreamEnd = 'complete' | 'cancelled' | 'stalled' | 'failed' | 'stopped'

export interface Meter {
  /**
   * Asked before bytes are handed on: may the body have handed out `total`
   * bytes in all? Resolves to how many it may (at least what it already
   * has); fewer than asked ends the body after them.
   */
  allow(total: number): Promise<number>
  /** Called once, with the bytes actually handed to the consumer. */
  end(sent: number, how: StreamEnd): Promise<void>
  progress?(sent: number): void
}

/** Raised into a body cut short by its meter, so that the server aborts the response. */
export class StoppedError extends Error {
  constructor() {
    super('the transfer was stopped before its end')
    this.name = 'StoppedError'
  }
}

/** Raised into a body whose client took nothing for too long (STALL_TIMEOUT). */
export class StalledError extends Error {
  constructor() {
    super('the client took nothing for too long')
    this.name = 'StalledError'
  }
}

/** Raised into a body whose storage sent nothing for too long (STALL_TIMEOUT): the transfer failed. */
export class StorageStalledError extends Error {
  constructor() {
    super('storage sent nothing for too long')
    this.name = 'StorageStalledError'
  }
}

export interface MeteredOptions {
  /**
   * Breaks the body off when its consumer takes nothing, or its storage sends
   * nothing, for this long, in ms; 0 never does.
   */
  stallMs?: number
}

/** What a web stream asks of its source at a time (the size Node's own streams move). */
const STREAM_CHUNK = 64 * 1024

/**
 * A body that hands on no byte before the meter allowed it, and reports
 * exactly the bytes its consumer took, once, when it ends, fails, is stopped,
 * stalls or is cancelled (the client went away). Nothing is read ahead of the
 * consumer: what is counted is what was handed to the response.
 *
 * It has one consumer: a web stream (`stream()`, on Workers and wherever a
 * runtime has nothing better) or a sink the runtime writes to directly
 * (`pipeMetered`, Node).
 */
export class MeteredBody {
  readonly ended: Promise<void>
  readonly #source: ByteSource
  readonly #meter: Meter
  readonly #stallMs: number
  #finish!: () => void
  #sent = 0
  /** The part allowed last has been handed on: the next read ends the body. */
  #stopped = false
  #finished = false
  #claimed = false
  #stream: ReadableStream<Uint8Array> | null = null
  #stallTimer: ReturnType<typeof setTimeout> | undefined
  /** When the pending read from storage began (ms), 0 while none is pending. */
  #readingSince = 0
  #storageWatch: ReturnType<typeof setTimeout> | undefined
  /** Breaks the consumer off (a stall): errors the stream or aborts the sink. */
  #breakOff: (error: Error) => void = () => {}

  constructor(source: ByteSource, meter: Meter, options: MeteredOptions = {}) {
    this.#source = source
    this.#meter = meter
    this.#stallMs = options.stallMs ?? 0
    this.ended = new Promise<void>((resolve) => (this.#finish = resolve))
  }

  /**
   * Takes the body for its one consumer, which `breakOff` ends if it stalls.
   * False when another consumer has it.
   */
  claim(breakOff: (error: Error) => void): boolean {
    if (this.#claimed) return false
    this.#claimed = true
    this.#breakOff = breakOff
    return true
  }

  /**
   * The next chunk, already granted, of at most about `max` bytes; null at
   * the end or once the body was cancelled. Throws StoppedError when the
   * meter said stop, the source's error when storage failed, the meter's when
   * it could not answer; the transfer has been reported by then.
   */
  async next(max: number): Promise<Uint8Array | null> {
    this.#calm()
    if (this.#finished) return null
    if (this.#stopped) {
      await this.#source.cancel().catch(() => {})
      await this.#report('stopped')
      throw new StoppedError()
    }
    let chunk: Uint8Array | null
    this.#watchStorage()
    try {
      chunk = await this.#source.read(max)
    } catch (error) {
      this.#readingSince = 0
      if (this.#finished) return null
      await this.#report('failed')
      throw error
    }
    this.#readingSince = 0
    if (this.#finished) return this.#drop(chunk)
    if (chunk === null) {
      await this.#report('complete')
      return null
    }
    const wanted = this.#sent + chunk.byteLength
    let allowed: number
    try {
      allowed = Math.min(await this.#meter.allow(wanted), wanted)
    } catch (error) {
      // Without a grant nothing more may go out: end here, counting what did.
      this.#source.release(chunk)
      await this.#source.cancel().catch(() => {})
      await this.#report('stopped')
      throw error
    }
    // The client may have gone while the meter was deciding.
    if (this.#finished) return this.#drop(chunk)
    if (allowed < wanted) {
      this.#stopped = true
      if (allowed <= this.#sent) {
        this.#source.release(chunk)
        return this.next(max)
      }
      chunk = chunk.subarray(0, allowed - this.#sent)
    }
    this.#sent += chunk.byteLength
    this.#meter.progress?.(this.#sent)
    if (this.#stallMs > 0) this.#stallTimer = setTimeout(() => this.#stall(), this.#stallMs)
    return chunk
  }

  /** The consumer is done with a chunk `next` returned (see ByteSource.release). */
  release(chunk: Uint8Array): void {
    this.#source.release(chunk)
  }

  /** The client went away: stop reading and report what it took. */
  async cancel(reason?: unknown): Promise<void> {
    this.#calm()
    if (this.#finished) return
    const reported = this.#report('cancelled')
    await this.#source.cancel(reason).catch(() => {})
    await reported
  }

  /** Whether `stream` is this body's web stream and nothing has read the body yet: a runtime may then take the body itself. */
  carries(stream: unknown): boolean {
    return stream !== null && stream === this.#stream && !this.#claimed
  }

  /** The body as a web stream, pulled one granted chunk at a time (a high-water mark of zero). */
  stream(): ReadableStream<Uint8Array> {
    let closed = false
    this.#stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const breakOff = (error: Error) => {
            if (closed) return
            closed = true
            controller.error(error)
          }
          if (!this.#claimed && !this.claim(breakOff)) return breakOff(new Error('the body has another consumer'))
          try {
            const chunk = await this.next(STREAM_CHUNK)
            if (closed) return
            if (chunk === null) {
              closed = true
              controller.close()
            } else {
              controller.enqueue(chunk)
            }
          } catch (error) {
            breakOff(error as Error)
          }
        },
        cancel: (reason) => {
          closed = true
          return this.cancel(reason)
        },
      },
      { highWaterMark: 0 },
    )
    return this.#stream
  }

  #calm(): void {
    if (this.#stallTimer !== undefined) clearTimeout(this.#stallTimer)
    this.#stallTimer = undefined
  }

  #drop(chunk: Uint8Array | null): null {
    if (chunk) this.#source.release(chunk)
    return null
  }

  /**
   * Marks a read from storage as begun, for the watchdog that gives the
   * transfer up when storage sends nothing for the stall time (a storage
   * server hanging mid-answer). One timer per body, not one per read: a
   * read costs a clock reading.
   */
  #watchStorage(): void {
    if (this.#stallMs <= 0) return
    this.#readingSince = Date.now()
    this.#storageWatch ??= setTimeout(() => this.#checkStorage(), this.#stallMs)
  }

  #checkStorage(): void {
    this.#storageWatch = undefined
    if (this.#finished) return
    const waited = this.#readingSince === 0 ? 0 : Date.now() - this.#readingSince
    if (waited >= this.#stallMs) this.#storageStalled()
    else this.#storageWatch = setTimeout(() => this.#checkStorage(), this.#stallMs - waited)
  }

  #storageStalled(): void {
    if (this.#finished) return
    const error = new StorageStalledError()
    const reported = this.#report('failed')
    this.#breakOff(error)
    void this.#source
      .cancel(error)
      .catch(() => {})
      .then(() => reported)
  }

  #stall(): void {
    if (this.#finished) return
    const error = new StalledError()
    const reported = this.#report('stalled')
    this.#breakOff(error)
    void this.#source
      .cancel(error)
      .catch(() => {})
      .then(() => reported)
  }

  /** Marks the body finished at once (nothing else reports), then tells the meter. */
  #report(how: StreamEnd): Promise<void> {
    if (this.#finished) return Promise.resolve()
    this.#finished = true
    if (this.#storageWatch !== undefined) clearTimeout(this.#storageWatch)
    this.#storageWatch = undefined
    return this.#meter.end(this.#sent, how).finally(() => this.#finish())
  }
}

/**
 * Wraps a web stream so that no byte is handed on before the meter allowed it
 * (see MeteredBody): the web-stream form, for a body that already is one.
 */
export function meterStream(source: ReadableStream<Uint8Array>, meter: Meter): { body: ReadableStream<Uint8Array>; ended: Promise<void> } {
  const metered = new MeteredBody(sourceOfStream(source), meter)
  return { body: metered.stream(), ended: metered.ended }
}

// A write is as large as the caller allows, from 64 KiB to 1 MiB: each write
// costs a storage read, a grant check and a turn of the loop, so a download
// alone goes out in large writes; what waits for full sockets is one write
// per download, so the Node entry shares a budget among the downloads
// streaming at once and a crowd of slow clients gets small ones.
const MIN_WRITE = 64 * 1024
const MAX_WRITE = 1024 * 1024

/** The largest write size allowed under `cap`: a power of two from MIN_WRITE to MAX_WRITE. */
function writeCap(cap: number): number {
  let size = MIN_WRITE
  while (size * 2 <= Math.min(cap, MAX_WRITE)) size *= 2
  return size
}

/**
 * Writes a metered body to a sink the runtime provides, without a web stream
 * in between: one granted chunk at a time, each handed back to its source
 * once written, waiting while the sink is full. Ends the sink, or aborts it
 * when the body fails or stops short.
 */
export async function pipeMetered(body: MeteredBody, sink: ByteSink, largestWrite: () => number = () => MAX_WRITE): Promise<void> {
  if (!body.claim((error) => sink.abort(error))) {
    sink.abort(new Error('the body has another consumer'))
    return
  }
  sink.onClose(() => void body.cancel())
  try {
    for (;;) {
      const chunk = await body.next(writeCap(largestWrite()))
      if (chunk === null) return sink.end()
      if (!sink.write(chunk, () => body.release(chunk))) await sink.ready()
    }
  } catch (error) {
    sink.abort(error)
  }
}
