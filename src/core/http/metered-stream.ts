/** How a metered body ended: all of it sent, the client went away, storage failed, or the budget said stop. */
export type StreamEnd = 'complete' | 'cancelled' | 'failed' | 'stopped'

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

/**
 * Wraps a body so that no byte is handed on before the meter allowed it, and
 * exactly the bytes the consumer took are reported once when the stream ends,
 * fails, is stopped or is cancelled (the client went away). A high-water mark
 * of zero means nothing is read ahead of the consumer: what is counted is
 * what was handed to the response.
 */
export function meterStream(source: ReadableStream<Uint8Array>, meter: Meter): { body: ReadableStream<Uint8Array>; ended: Promise<void> } {
  const reader = source.getReader()
  let sent = 0
  let stopped = false
  let finished = false
  let finish!: () => void
  const ended = new Promise<void>((resolve) => (finish = resolve))
  const report = async (how: StreamEnd) => {
    if (finished) return
    finished = true
    try {
      await meter.end(sent, how)
    } finally {
      finish()
    }
  }
  const stop = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    await reader.cancel().catch(() => {})
    controller.error(new StoppedError())
    await report('stopped')
  }

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // The part allowed last time has been taken: now end the body.
        if (stopped) return stop(controller)
        let result: ReadableStreamReadResult<Uint8Array>
        try {
          result = await reader.read()
        } catch (error) {
          controller.error(error)
          await report('failed')
          return
        }
        if (finished) return
        if (result.done) {
          controller.close()
          await report('complete')
          return
        }
        const chunk = result.value
        let allowed: number
        try {
          allowed = Math.min(await meter.allow(sent + chunk.byteLength), sent + chunk.byteLength)
        } catch (error) {
          // Without a grant nothing more may go out: end here, counting what did.
          await reader.cancel().catch(() => {})
          controller.error(error)
          await report('stopped')
          return
        }
        // The client may have gone while the meter was deciding.
        if (finished) return
        if (allowed < sent + chunk.byteLength) {
          stopped = true
          if (allowed <= sent) return stop(controller)
          controller.enqueue(chunk.subarray(0, allowed - sent))
          sent = allowed
        } else {
          controller.enqueue(chunk)
          sent += chunk.byteLength
        }
        meter.progress?.(sent)
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {})
        await report('cancelled')
      },
    },
    { highWaterMark: 0 },
  )
  return { body, ended }
}
