import type { ByteSource } from '../ports'

/** A web stream read as a byte source: chunks as the stream gives them, never reused. */
export function sourceOfStream(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader()
  return {
    async read() {
      const next = await reader.read()
      return next.done ? null : next.value
    },
    release() {},
    cancel: (reason) => reader.cancel(reason),
  }
}

/** Bytes already in memory, handed out in views of at most the size asked for. */
export function sourceOfBytes(bytes: Uint8Array): ByteSource {
  let offset = 0
  return {
    async read(max) {
      if (offset >= bytes.byteLength) return null
      const chunk = bytes.subarray(offset, offset + Math.max(1, max))
      offset += chunk.byteLength
      return chunk
    },
    release() {},
    async cancel() {
      offset = bytes.byteLength
    },
  }
}

/**
 * A source held to exactly `length` bytes: one that ends early or goes on
 * past them fails, so a storage answer of the wrong size never reaches a
 * client as if it were the file.
 */
export function exactly(source: ByteSource, length: number): ByteSource {
  let left = length
  return {
    async read(max) {
      const chunk = await source.read(left > 0 ? Math.min(max, left) : max)
      if (chunk === null) {
        if (left > 0) throw new Error(`storage ended ${left} bytes before the end`)
        return null
      }
      if (chunk.byteLength > left) {
        await source.cancel().catch(() => {})
        throw new Error('storage sent more bytes than were asked for')
      }
      left -= chunk.byteLength
      return chunk
    },
    release: (chunk) => source.release(chunk),
    cancel: (reason) => source.cancel(reason),
  }
}
