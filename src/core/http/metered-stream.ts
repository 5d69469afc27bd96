/**
 * Wraps a body so that exactly the bytes the consumer took are counted, and
 * reports the count once when the stream ends, fails or is cancelled (the
 * client went away). A high-water mark of zero means nothing is read ahead
 * of the consumer: what is counted is what was handed to the response.
 */
export function meterStream(
  source: ReadableStream<Uint8Array>,
  onEnd: (sent: number) => Promise<void>,
  onProgress?: (sent: number) => void,
): { body: ReadableStream<Uint8Array>; ended: Promise<void> } {
  const reader = source.getReader()
  let sent = 0
  let finish!: () => void
  const ended = new Promise<void>((resolve) => (finish = resolve))
  let reported = false
  const report = async () => {
    if (reported) return
    reported = true
    try {
      await onEnd(sent)
    } finally {
      finish()
    }
  }

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>
        try {
          result = await reader.read()
        } catch (error) {
          controller.error(error)
          await report()
          return
        }
        if (result.done) {
          controller.close()
          await report()
          return
        }
        sent += result.value.byteLength
        onProgress?.(sent)
        controller.enqueue(result.value)
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {})
        await report()
      },
    },
    { highWaterMark: 0 },
  )
  return { body, ended }
}
