import type { Schemas } from './api.generated'
import { FuselinkApiError, FuselinkConnectionError } from './errors'
import type { OnProgress } from './progress'
import { type Connection, call } from './request'

/**
 * Up to this size a file goes in one request: it is the smallest part the
 * service may choose (UPLOAD_PART_SIZE is 5–64 MiB), so a file this small
 * would be one part anyway (docs/uploads.md, "Part size").
 */
export const ONE_REQUEST_MAX = 5 * 1024 * 1024

const CONCURRENCY = 3
const RETRIES = 5
const LONGEST_PAUSE_MS = 8000

export interface PartsOptions {
  name: string
  contentType: string
  /** Bytes handed to the connection, of the file's size; a part that fails and goes again counts from zero again. */
  onProgress?: OnProgress
  /** Aborting it stops the upload; the service's parts are discarded unless the upload is remembered (`resume`, `onCreated`). */
  signal?: AbortSignal
  /** Parts in flight at once, 1 to 8 (default 3). */
  concurrency?: number
  /** How often one part is sent again after a dropped connection, 408, 429 or 5xx (default 5), with growing pauses. */
  retries?: number
  /**
   * An unfinished upload's id: only the parts it lacks are sent. When it is
   * gone (404, 410) or was declared for another size, a new upload starts.
   */
  resume?: string
  /**
   * Called with a new upload once the service declared it, for the caller to
   * remember its id and resume it later. With it (or `resume`) an upload that
   * fails or is aborted is left on the service, which removes it at expiry.
   */
  onCreated?: (upload: Schemas['Upload']) => void
}

/** Worth another try: no answer (a dropped connection), a timeout, being told to slow down, or a server fault. */
function transient(error: unknown): boolean {
  if (error instanceof FuselinkConnectionError) return error.status === undefined || error.status >= 500
  return error instanceof FuselinkApiError && [408, 429, 500, 502, 503, 504].includes(error.status)
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

/** The upload to resume, when it is still there and for this file's size; else a new one. */
async function begin(connection: Connection, file: Blob, options: PartsOptions): Promise<Schemas['Upload']> {
  const { signal } = options
  if (options.resume !== undefined) {
    try {
      const upload = await call(connection, 'GET /api/v1/uploads/{id}', { path: { id: options.resume }, signal })
      if (upload.size === file.size) return upload
    } catch (error) {
      if (!(error instanceof FuselinkApiError && (error.status === 404 || error.status === 410))) throw error
    }
  }
  const upload = await call(connection, 'POST /api/v1/uploads', {
    body: { name: options.name, size: file.size, contentType: options.contentType },
    signal,
  })
  options.onCreated?.(upload)
  return upload
}

/** A part's bytes as a stream that reports how many went out (the caller names its length: a stream has none). */
function counted(part: Blob, onSent: (bytes: number) => void): ReadableStream<Uint8Array> {
  let sent = 0
  return part.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk)
        sent += chunk.byteLength
        onSent(sent)
      },
    }),
  )
}

/**
 * Uploads `file` through the protocol in parts (docs/uploads.md): declares
 * it (or picks up `resume`), sends the parts the service lacks a few at a
 * time, each sent again on its own when the connection drops or the service
 * is briefly unable, then completes it. An upload that fails for good, or is
 * aborted, is discarded on the service unless the caller remembers it.
 */
export async function uploadInParts(connection: Connection, file: Blob, options: PartsOptions): Promise<Schemas['File']> {
  const { signal, onProgress } = options
  const retries = options.retries ?? RETRIES
  const upload = await begin(connection, file, options)
  const remembered = options.resume !== undefined || options.onCreated !== undefined
  const partSize = (n: number) => Math.min(upload.partSize, file.size - (n - 1) * upload.partSize)

  // Bytes out per part: a part that fails goes back to zero. Parts the service holds count as sent.
  const out = new Map<number, number>()
  let sent = upload.received.reduce((total, n) => total + partSize(n), 0)
  const report = (part: number, bytes: number) => {
    sent += bytes - (out.get(part) ?? 0)
    out.set(part, bytes)
    onProgress?.({ sent, total: file.size })
  }
  onProgress?.({ sent, total: file.size })

  // Its own controller: the caller's abort, or a part that fails for good, stops every part.
  const stop = new AbortController()
  const onAbort = () => stop.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })

  async function attempt<T>(send: () => Promise<T>, onFailure?: () => void): Promise<T> {
    for (let tried = 0; ; tried++) {
      try {
        return await send()
      } catch (error) {
        onFailure?.()
        if (stop.signal.aborted || !transient(error) || tried >= retries) throw error
        await pause(Math.min(LONGEST_PAUSE_MS, 500 * 2 ** tried), stop.signal)
      }
    }
  }

  async function sendPart(n: number): Promise<void> {
    const start = (n - 1) * upload.partSize
    const part = file.slice(start, Math.min(start + upload.partSize, file.size))
    await attempt(
      () =>
        call(connection, 'PUT /api/v1/uploads/{id}/parts/{n}', {
          path: { id: upload.id, n: String(n) },
          // A Blob carries its length; a counting stream is told it, which the service checks before reading.
          ...(onProgress
            ? { body: counted(part, (bytes) => report(n, bytes)), headers: { 'content-length': String(part.size) } }
            : { body: part }),
          contentType: 'application/octet-stream',
          signal: stop.signal,
        }),
      () => report(n, 0),
    )
    report(n, part.size)
  }

  const held = new Set(upload.received)
  const queue = Array.from({ length: upload.parts }, (_, i) => i + 1).filter((n) => !held.has(n))
  // The first part to fail for good, which stops the others.
  const failed: unknown[] = []
  async function sender(): Promise<void> {
    for (let n = queue.shift(); n !== undefined && failed.length === 0; n = queue.shift()) {
      try {
        await sendPart(n)
      } catch (error) {
        if (failed.length === 0) failed.push(error)
        stop.abort(error)
      }
    }
  }

  try {
    const concurrency = Math.min(8, Math.max(1, options.concurrency ?? CONCURRENCY), Math.max(1, queue.length))
    await Promise.all(Array.from({ length: concurrency }, sender))
    if (signal?.aborted) throw signal.reason
    if (failed.length > 0) throw failed[0]
    return await attempt(() => call(connection, 'POST /api/v1/uploads/{id}/complete', { path: { id: upload.id }, signal: stop.signal }))
  } catch (error) {
    if (remembered) throw error
    // Given up: the parts go now rather than at expiry, and the upload's place is free again.
    await call(connection, 'DELETE /api/v1/uploads/{id}', { path: { id: upload.id } }).catch(() => {})
    throw error
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
