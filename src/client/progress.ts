import type { Bytes } from './request'

/** How far an upload is: bytes handed to the connection, of `total` when known. */
export interface Progress {
  sent: number
  total: number | undefined
}

export type OnProgress = (progress: Progress) => void

const PIECE = 256 * 1024

/** The size of a body, when it can be known without reading it. */
export function sizeOf(body: Bytes): number | undefined {
  if (typeof body === 'string') return new TextEncoder().encode(body).byteLength
  if (body instanceof Blob) return body.size
  if (body instanceof ArrayBuffer || body instanceof Uint8Array) return body.byteLength
  return undefined
}

function sourceStream(body: Bytes): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body
  if (body instanceof Blob) return body.stream()
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body instanceof ArrayBuffer ? new Uint8Array(body) : body
  let offset = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close()
      controller.enqueue(bytes.subarray(offset, offset + PIECE))
      offset += PIECE
    },
  })
}

/**
 * The body as a stream that reports, as the connection reads it, how many
 * bytes went out. A stream has no declared length, so the service enforces
 * its upload limit while the bytes arrive rather than up front.
 */
export function withProgress(body: Bytes, onProgress: OnProgress): ReadableStream<Uint8Array> {
  const total = sizeOf(body)
  let sent = 0
  onProgress({ sent, total })
  return sourceStream(body).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk)
        sent += chunk.byteLength
        onProgress({ sent, total })
      },
    }),
  )
}
