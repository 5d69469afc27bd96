import { upload as send, UploadError } from '../uploader/upload'
import { ApiError, networkError } from './api'

/*
 * The app's one way to upload a file. Everything else in the page uses only
 * `upload(file, {onProgress, signal})`. It is the uploader the upload
 * request page uses too (src/web/uploader/upload.ts, docs/uploads.md): a
 * file larger than the smallest part goes in parts, a few in flight, each
 * retried on its own; choosing the same file again after a reload sends
 * only the parts the service does not hold yet.
 */

export type { UploadedFile } from '../uploader/upload'

export interface UploadOptions {
  /** Bytes the service holds or is receiving, of `total`. */
  onProgress?: (loaded: number, total: number) => void
  /** Aborting it cancels the upload; the promise then rejects with an AbortError. */
  signal?: AbortSignal
}

/** Refusals as the rest of the app reads them (ApiError), with the session cookie as the credential. */
export async function upload(file: File, options: UploadOptions = {}) {
  try {
    return await send(file, {
      signal: options.signal,
      // The app may be served under a path: its API is beside the page.
      baseUrl: new URL('.', document.baseURI).href,
      onProgress: (progress) => options.onProgress?.(progress.loaded, progress.total),
    })
  } catch (error) {
    if (error instanceof UploadError) {
      throw error.status === 0 ? networkError() : new ApiError(error.status, error.code ?? `http_${error.status}`, error.message, null)
    }
    if (error instanceof TypeError) throw networkError()
    throw error
  }
}

export const isCancelled = (error: unknown) => error instanceof DOMException && error.name === 'AbortError'

export { ApiError }
