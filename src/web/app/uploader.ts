import { ApiError, networkError, problemFrom } from './api'

/*
 * The app's one way to upload a file. Everything else in the page uses only
 * `upload(file, {onProgress, signal})`, so that the one-request upload below
 * can be swapped for the chunked, resumable protocol (/api/v1/uploads)
 * without touching the screens.
 */

export interface UploadedFile {
  id: string
  name: string
  size: number
  contentType: string
  sha256?: string
  createdAt: string
}

export interface UploadOptions {
  /** Bytes sent so far of `total`. */
  onProgress?: (loaded: number, total: number) => void
  /** Aborting it cancels the upload; the promise then rejects with an AbortError. */
  signal?: AbortSignal
}

/** POST /api/v1/files with the file as the body, through XMLHttpRequest for its upload progress. */
export function upload(file: File, options: UploadOptions = {}): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    const aborted = () => request.abort()
    if (options.signal?.aborted) return reject(new DOMException('The upload was cancelled.', 'AbortError'))
    options.signal?.addEventListener('abort', aborted, { once: true })
    const done = () => options.signal?.removeEventListener('abort', aborted)

    request.open('POST', `api/v1/files?name=${encodeURIComponent(file.name)}`)
    request.setRequestHeader('content-type', file.type || 'application/octet-stream')
    request.setRequestHeader('accept', 'application/json')
    request.upload.addEventListener('progress', (event) => options.onProgress?.(event.loaded, file.size))
    request.addEventListener('load', () => {
      done()
      if (request.status === 201) {
        options.onProgress?.(file.size, file.size)
        resolve(JSON.parse(request.responseText) as UploadedFile)
      } else {
        reject(problemFrom(request.status, request.responseText, request.getResponseHeader('retry-after')))
      }
    })
    request.addEventListener('error', () => {
      done()
      reject(networkError())
    })
    request.addEventListener('abort', () => {
      done()
      reject(new DOMException('The upload was cancelled.', 'AbortError'))
    })
    request.send(file)
  })
}

export const isCancelled = (error: unknown) => error instanceof DOMException && error.name === 'AbortError'

export { ApiError }
