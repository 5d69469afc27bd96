import { FuselinkError } from '../errors'

const MAX_PARTS = 32
/** One part's header block. */
const MAX_PART_HEADER_BYTES = 16 * 1024
/** Every part's header block together: bounds what a body can make the parser decode and search. */
const MAX_HEADER_BYTES = 64 * 1024
/** Read after the file (the closing delimiter, fields a form puts after it) before the request is left to the entry. */
const MAX_EPILOGUE_BYTES = 64 * 1024
/** The longest delimiter line: CRLF, "--", a boundary of at most 70 characters, "--", CRLF. */
const MAX_DELIMITER_BYTES = 2 + 2 + 70 + 2 + 2
/**
 * What a multipart body may carry besides the file and the parts it skips
 * (which count against the upload limit): every part's headers, delimiters
 * and the epilogue. An upload's declared length may exceed the limit by this.
 */
export const MULTIPART_FRAMING_BYTES = MAX_HEADER_BYTES + MAX_PARTS * MAX_DELIMITER_BYTES + MAX_EPILOGUE_BYTES
/** The file's bytes are handed on in pieces of at least this much (or what is left): not one piece per network read. */
const MIN_PIECE_BYTES = 64 * 1024
const CRLF_CRLF = new Uint8Array([13, 10, 13, 10])
const decoder = new TextDecoder()
const encoder = new TextEncoder()

function malformed(detail: string): FuselinkError {
  return new FuselinkError('invalid_request', `multipart body: ${detail}`)
}

export function multipartBoundary(contentType: string | null | undefined): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*;/i.test(contentType)) return null
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType)
  return match ? (match[1] ?? match[2] ?? null) : null
}

/** Where `needle` first occurs in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

/**
 * The unread part of the body: a window over one buffer that grows by
 * doubling and is compacted only once its consumed front outweighs what is
 * left. Appending a network read and consuming from the front are therefore
 * linear in the bytes that pass, however small the reads (a body sent one
 * byte at a time used to be copied whole on every read).
 */
class Window {
  #buffer = new Uint8Array(16 * 1024)
  #start = 0
  #end = 0
  done = false

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  get length(): number {
    return this.#end - this.#start
  }

  view(): Uint8Array {
    return this.#buffer.subarray(this.#start, this.#end)
  }

  /** Appends the next read; false once the body has ended. */
  async fill(): Promise<boolean> {
    if (this.done) return false
    const { done, value } = await this.reader.read()
    if (done) {
      this.done = true
      return false
    }
    this.#append(value)
    return true
  }

  #append(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      const needed = this.length + chunk.length
      if (needed <= this.#buffer.length / 2) {
        this.#buffer.copyWithin(0, this.#start, this.#end)
      } else {
        const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2))
        grown.set(this.view())
        this.#buffer = grown
      }
      this.#end = this.length
      this.#start = 0
    }
    this.#buffer.set(chunk, this.#end)
    this.#end += chunk.length
  }

  /** The first `length` bytes, copied (the buffer is reused), and consumed. */
  take(length: number): Uint8Array {
    const head = this.#buffer.slice(this.#start, this.#start + length)
    this.skip(length)
    return head
  }

  skip(length: number): void {
    this.#start += length
  }

  /**
   * Reads until `needle` is in the window and returns where it starts, each
   * byte searched once (a search resumes where the last one stopped), or -1
   * when the body ends first. `limit` bounds how far it may look.
   */
  async find(needle: Uint8Array, limit: number, tooFar: () => FuselinkError): Promise<number> {
    let from = 0
    for (;;) {
      const at = indexOf(this.view(), needle, from)
      if (at !== -1) return at > limit ? Promise.reject(tooFar()) : at
      if (this.length > limit) throw tooFar()
      from = Math.max(0, this.length - needle.length + 1)
      if (!(await this.fill())) return -1
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel().catch(() => {})
  }
}

/** Reads what follows the file (the closing delimiter) so the request ends cleanly. */
async function drainEpilogue(window: Window): Promise<void> {
  let seen = window.length
  window.skip(window.length)
  while (seen < MAX_EPILOGUE_BYTES && (await window.fill())) {
    seen += window.length
    window.skip(window.length)
  }
  if (!window.done) await window.cancel()
}

export interface MultipartFile {
  /** The `filename` the client gave, if any. */
  filename: string | null
  contentType: string | null
  /** The part's content, streamed as it arrives. */
  body: ReadableStream<Uint8Array>
  /** Bytes of other parts (and before the first delimiter) read past to reach it; they count against the upload limit. */
  skipped: number
}

export interface MultipartOptions {
  /** The form field holding the file. */
  field?: string
  /** The upload limit: more bytes than this in skipped parts is 413 before the file is reached. */
  maxBytes?: number
}

function parseDisposition(value: string): { name?: string; filename?: string } {
  const out: Record<string, string> = {}
  const re = /;\s*([a-zA-Z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const key = m[1]!.toLowerCase()
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
    if (key === 'filename*') {
      const ext = /^UTF-8''(.*)$/i.exec(raw)
      if (ext) {
        try {
          out.filename = decodeURIComponent(ext[1]!)
        } catch {
          // a broken filename* falls back to the plain filename
        }
      }
    } else if (key === 'filename') {
      // Browsers escape '"', CR and LF in file names as %22, %0D and %0A (HTML's form encoding).
      out.filename ??= raw.replace(/%(22|0D|0A)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    } else {
      out[key] = raw
    }
  }
  return out
}

function parseHeaders(block: Uint8Array): { name?: string; filename?: string; contentType?: string } {
  const headers: { name?: string; filename?: string; contentType?: string } = {}
  for (const line of decoder.decode(block).split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const field = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (field === 'content-disposition') Object.assign(headers, parseDisposition(value))
    if (field === 'content-type') headers.contentType = value
  }
  return headers
}

/**
 * Finds the form field `field` in a multipart/form-data body and streams its
 * content without ever holding the whole file: only a window of about one
 * piece plus the boundary stays in memory. Fields before it are skipped (and
 * counted against `maxBytes`); the rest of the body after it is not read.
 * Every byte is searched a bounded number of times, whatever the size of the
 * reads it arrives in, and the bytes spent on part headers are bounded.
 */
export async function readMultipartFile(
  stream: ReadableStream<Uint8Array>,
  boundary: string,
  options: MultipartOptions = {},
): Promise<MultipartFile> {
  const { field = 'file', maxBytes = Number.POSITIVE_INFINITY } = options
  const window = new Window(stream.getReader())
  try {
    return await findFile(window, boundary, field, maxBytes)
  } catch (error) {
    await window.cancel()
    throw error
  }
}

async function findFile(window: Window, boundary: string, field: string, maxBytes: number): Promise<MultipartFile> {
  // Every delimiter but the first is preceded by CRLF; the first may start the body.
  const delimiter = encoder.encode(`\r\n--${boundary}`)
  const opening = delimiter.subarray(2)
  let skipped = 0
  let headerBytes = 0

  const skipPast = async (needle: Uint8Array): Promise<void> => {
    const at = await window.find(needle, Number.POSITIVE_INFINITY, () => malformed('unreachable'))
    if (at === -1) throw malformed('ended before a boundary')
    skipped += at
    if (skipped > maxBytes) throw new FuselinkError('payload_too_large', `Uploads are limited to ${maxBytes} bytes.`)
    window.skip(at + needle.length)
  }

  await skipPast(opening)
  for (let part = 0; part < MAX_PARTS; part++) {
    while (window.length < 2) if (!(await window.fill())) throw malformed('ended after a boundary')
    const view = window.view()
    if (view[0] === 45 && view[1] === 45) break // "--": the closing delimiter
    const limit = Math.min(MAX_PART_HEADER_BYTES, MAX_HEADER_BYTES - headerBytes)
    const end = await window.find(CRLF_CRLF, limit, () => malformed('part headers too large'))
    if (end === -1) throw malformed('ended inside part headers')
    headerBytes += end
    // The headers block starts after the CRLF that ends the delimiter line.
    const headers = parseHeaders(window.take(end + 4).subarray(2, end))
    if (headers.name !== field) {
      await skipPast(delimiter)
      continue
    }
    return { filename: headers.filename ?? null, contentType: headers.contentType ?? null, body: fileBody(window, delimiter), skipped }
  }
  throw malformed(`no "${field}" field`)
}

/** The file part's content up to the next delimiter, in pieces of at least MIN_PIECE_BYTES. */
function fileBody(window: Window, delimiter: Uint8Array): ReadableStream<Uint8Array> {
  let from = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const at = indexOf(window.view(), delimiter, from)
        if (at !== -1) {
          if (at > 0) controller.enqueue(window.take(at))
          window.skip(delimiter.length)
          controller.close()
          await drainEpilogue(window)
          return
        }
        // Everything but a possible start of the delimiter can go.
        const safe = window.length - delimiter.length + 1
        if (safe >= MIN_PIECE_BYTES) {
          controller.enqueue(window.take(safe))
          from = 0
          return
        }
        from = Math.max(0, safe)
        if (!(await window.fill())) {
          controller.error(malformed('ended inside the file'))
          return
        }
      }
    },
    cancel: () => window.cancel(),
  })
}
