/*
 * The browser's side of fuselink's uploads (docs/uploads.md): one module for
 * every page that sends files. A small file goes in one request
 * (POST /api/v1/files); a larger one in parts (/api/v1/uploads), a few in
 * flight at once, each retried on its own, with progress, speed and time
 * left. The upload's id is remembered per file, so that after a dropped
 * connection or a page reload choosing the same file again sends only the
 * parts the service does not hold yet.
 */

/** A file as the API answers it. */
export interface UploadedFile {
  id: string
  name: string
  size: number
  contentType: string
  sha256?: string
  createdAt: string
  uploadRequestId?: string
}

export interface UploadProgress {
  /** Bytes the service holds or is receiving now. */
  loaded: number
  total: number
  /** Over the last few seconds; 0 until known. */
  bytesPerSecond: number
  /** Null until the speed is known. */
  secondsLeft: number | null
  /** Bytes the service already held when this upload resumed (0 for a fresh one). */
  resumedBytes: number
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void
  /** Aborting it stops the upload and discards what the service received. */
  signal?: AbortSignal
  /** A bearer credential (an upload request's token); without it the browser's own credentials go (the session cookie). */
  token?: string
  /** The service's origin and base path; this page's origin when absent. */
  baseUrl?: string
  /** Parts in flight at once, 2 to 4. */
  concurrency?: number
  /** Where unfinished uploads are remembered; localStorage when absent. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null
}

interface Upload {
  id: string
  name: string
  size: number
  partSize: number
  parts: number
  received: number[]
}

/** Up to this size a file goes in one request: a part-sized file gains nothing from parts. */
export const ONE_REQUEST_MAX = 5 * 1024 * 1024
const DEFAULT_CONCURRENCY = 3
const RETRIES = 5
const SPEED_WINDOW_MS = 5000
const REMEMBERED = 'fuselink.upload.'

/** A refusal from the service: its status and problem `code`, when it sent one. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message)
    this.name = 'UploadError'
  }
}

function aborted(): DOMException {
  return new DOMException('The upload was cancelled.', 'AbortError')
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(aborted())
      },
      { once: true },
    )
  })
}

interface Answer {
  status: number
  text: string
}

/**
 * One request with XMLHttpRequest: the one browser API that reports upload
 * progress. Resolves with any HTTP answer; rejects on a network failure or abort.
 */
function send(
  method: string,
  url: string,
  body: Blob | string | null,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  onSent?: (bytes: number) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted())
    const xhr = new XMLHttpRequest()
    xhr.open(method, url)
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value)
    if (onSent) xhr.upload.onprogress = (event) => onSent(event.loaded)
    const stop = () => xhr.abort()
    signal?.addEventListener('abort', stop, { once: true })
    xhr.onload = () => {
      signal?.removeEventListener('abort', stop)
      resolve({ status: xhr.status, text: xhr.responseText })
    }
    xhr.onerror = () => {
      signal?.removeEventListener('abort', stop)
      reject(new TypeError('network error'))
    }
    xhr.onabort = () => reject(aborted())
    xhr.send(body)
  })
}

function refusal(answer: Answer): UploadError {
  let problem: { detail?: string; code?: string } = {}
  try {
    problem = JSON.parse(answer.text)
  } catch {
    // Not a problem document: the status says enough.
  }
  return new UploadError(problem.detail ?? `The service answered ${answer.status}.`, answer.status, problem.code ?? null)
}

/** Worth trying again: the network, a server fault, or being told to slow down. */
function transient(answer: Answer): boolean {
  return answer.status === 0 || answer.status === 408 || answer.status === 429 || answer.status >= 500
}

/** Tracks what the service holds and what is in flight, and reports it with a smoothed speed. */
class Meter {
  readonly #inFlight = new Map<number, number>()
  readonly #samples: { at: number; loaded: number }[] = []
  #held = 0

  constructor(
    readonly total: number,
    readonly resumedBytes: number,
    private readonly report?: (progress: UploadProgress) => void,
  ) {
    this.#held = resumedBytes
  }

  sending(part: number, bytes: number): void {
    this.#inFlight.set(part, bytes)
    this.#emit()
  }

  stored(part: number, bytes: number): void {
    this.#inFlight.delete(part)
    this.#held += bytes
    this.#emit()
  }

  failed(part: number): void {
    this.#inFlight.delete(part)
    this.#emit()
  }

  #emit(): void {
    let loaded = this.#held
    for (const bytes of this.#inFlight.values()) loaded += bytes
    const at = performance.now()
    this.#samples.push({ at, loaded })
    while (this.#samples.length > 2 && at - this.#samples[0]!.at > SPEED_WINDOW_MS) this.#samples.shift()
    const first = this.#samples[0]!
    const seconds = (at - first.at) / 1000
    const bytesPerSecond = seconds > 0.5 ? Math.max(0, (loaded - first.loaded) / seconds) : 0
    this.report?.({
      loaded: Math.min(loaded, this.total),
      total: this.total,
      bytesPerSecond,
      secondsLeft: bytesPerSecond > 0 ? Math.max(0, (this.total - loaded) / bytesPerSecond) : null,
      resumedBytes: this.resumedBytes,
    })
  }
}

function defaultStorage(): UploadOptions['storage'] {
  try {
    return globalThis.localStorage ?? null
  } catch {
    // Storage can be switched off; the upload then cannot resume after a reload.
    return null
  }
}

/** The remembered upload of a file is keyed by what identifies the file, and by whose uploads they are. */
function rememberedKey(file: File, token: string | undefined): string {
  const scope = token ? token.slice(-16) : 'own'
  return `${REMEMBERED}${scope}:${file.size}:${file.lastModified}:${file.name}`
}

/** Whether an unfinished upload of this very file is remembered: choosing it resumes that upload rather than starting one. */
export function isRemembered(file: File, token?: string, storage = defaultStorage()): boolean {
  return storage?.getItem(rememberedKey(file, token)) != null
}

/** Unfinished uploads remembered for this credential: what a page can offer to resume. */
export function rememberedUploads(token?: string, storage = defaultStorage()): { name: string; size: number }[] {
  if (!storage || !('length' in storage)) return []
  const all = storage as Storage
  const prefix = `${REMEMBERED}${token ? token.slice(-16) : 'own'}:`
  const found: { name: string; size: number }[] = []
  for (let i = 0; i < all.length; i++) {
    const key = all.key(i)
    if (!key?.startsWith(prefix)) continue
    const [size, , ...name] = key.slice(prefix.length).split(':')
    found.push({ name: name.join(':'), size: Number(size) })
  }
  return found
}

/**
 * Uploads `file` and answers the file as the API shows it. Rejects with an
 * AbortError when `signal` aborts (the service's parts are discarded), and
 * with an UploadError when the service refuses.
 */
export async function upload(file: File, options: UploadOptions = {}): Promise<UploadedFile> {
  const base = (options.baseUrl ?? globalThis.location?.origin ?? '').replace(/\/+$/, '')
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {}
  const { signal } = options

  if (file.size <= ONE_REQUEST_MAX) {
    const meter = new Meter(file.size, 0, options.onProgress)
    const answer = await send(
      'POST',
      `${base}/api/v1/files?name=${encodeURIComponent(file.name)}`,
      file,
      { ...auth, 'Content-Type': file.type || 'application/octet-stream' },
      signal,
      (bytes) => meter.sending(1, bytes),
    )
    if (answer.status !== 201) throw refusal(answer)
    meter.stored(1, file.size)
    return JSON.parse(answer.text) as UploadedFile
  }

  const storage = options.storage === undefined ? defaultStorage() : options.storage
  const key = rememberedKey(file, options.token)
  const json = { ...auth, 'Content-Type': 'application/json' }

  let current: Upload | null = null
  const remembered = storage?.getItem(key)
  if (remembered) {
    const answer = await send('GET', `${base}/api/v1/uploads/${encodeURIComponent(remembered)}`, null, auth, signal)
    if (answer.status === 200) current = JSON.parse(answer.text) as Upload
    else if (transient(answer)) throw refusal(answer)
    else storage?.removeItem(key)
  }
  if (!current || current.size !== file.size) {
    const answer = await send(
      'POST',
      `${base}/api/v1/uploads`,
      JSON.stringify({ name: file.name, size: file.size, contentType: file.type || undefined }),
      json,
      signal,
    )
    if (answer.status !== 201) throw refusal(answer)
    current = JSON.parse(answer.text) as Upload
    storage?.setItem(key, current.id)
  }
  const plan = current
  const partUrl = (n: number) => `${base}/api/v1/uploads/${encodeURIComponent(plan.id)}/parts/${n}`
  const length = (n: number) => (n < plan.parts ? plan.partSize : file.size - plan.partSize * (plan.parts - 1))

  const held = new Set(plan.received)
  const queue: number[] = []
  for (let n = 1; n <= plan.parts; n++) if (!held.has(n)) queue.push(n)
  const meter = new Meter(
    file.size,
    [...held].reduce((sum, n) => sum + length(n), 0),
    options.onProgress,
  )

  // Its own controller, so that a part that fails for good stops the others.
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  let failure: unknown = null

  async function sendPart(n: number): Promise<void> {
    const start = (n - 1) * plan.partSize
    const body = file.slice(start, start + length(n))
    for (let attempt = 0; ; attempt++) {
      let answer: Answer
      try {
        answer = await send('PUT', partUrl(n), body, { ...auth, 'Content-Type': 'application/octet-stream' }, stop.signal, (bytes) =>
          meter.sending(n, bytes),
        )
      } catch (error) {
        meter.failed(n)
        if (stop.signal.aborted) throw error
        answer = { status: 0, text: '' }
      }
      if (answer.status === 200) {
        meter.stored(n, length(n))
        return
      }
      meter.failed(n)
      if (!transient(answer) || attempt >= RETRIES) throw refusal(answer)
      await sleep(Math.min(30_000, 500 * 2 ** attempt), stop.signal)
    }
  }

  async function worker(): Promise<void> {
    for (let n = queue.shift(); n !== undefined && failure === null; n = queue.shift()) {
      try {
        await sendPart(n)
      } catch (error) {
        failure ??= error
        stop.abort()
      }
    }
  }

  try {
    const concurrency = Math.min(4, Math.max(2, options.concurrency ?? DEFAULT_CONCURRENCY))
    await Promise.all(Array.from({ length: concurrency }, worker))
    if (failure !== null) throw failure
    const answer = await send('POST', `${base}/api/v1/uploads/${encodeURIComponent(plan.id)}/complete`, null, auth, signal)
    if (answer.status !== 201) throw refusal(answer)
    storage?.removeItem(key)
    return JSON.parse(answer.text) as UploadedFile
  } catch (error) {
    if (signal?.aborted) {
      // Cancelled: the parts are discarded, and nothing is left to resume.
      storage?.removeItem(key)
      await send('DELETE', `${base}/api/v1/uploads/${encodeURIComponent(plan.id)}`, null, auth, undefined).catch(() => {})
      throw aborted()
    }
    // Gone or expired: nothing to resume either.
    if (error instanceof UploadError && (error.status === 404 || error.status === 410)) storage?.removeItem(key)
    throw error
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
