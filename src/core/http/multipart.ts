import { FuselinkError } from '../errors'

const MAX_PART_HEADER_BYTES = 16 * 1024
const MAX_PARTS = 32
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

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

/** Reads a stream into a sliding buffer that the parser consumes from the front. */
class Scanner {
  buffer: Uint8Array = new Uint8Array(0)
  done = false

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async fill(): Promise<boolean> {
    if (this.done) return false
    const { done, value } = await this.reader.read()
    if (done) {
      this.done = true
      return false
    }
    const merged = new Uint8Array(this.buffer.length + value.length)
    merged.set(this.buffer)
    merged.set(value, this.buffer.length)
    this.buffer = merged
    return true
  }

  take(length: number): Uint8Array {
    const head = this.buffer.subarray(0, length)
    this.buffer = this.buffer.subarray(length)
    return head
  }

  cancel(): Promise<void> {
    return this.reader.cancel().catch(() => {})
  }
}

const MAX_EPILOGUE_BYTES = 64 * 1024

/** Reads what follows the file (the closing delimiter) so the request ends cleanly. */
async function drainEpilogue(scanner: Scanner): Promise<void> {
  let seen = 0
  while (seen < MAX_EPILOGUE_BYTES && (await scanner.fill())) {
    seen += scanner.buffer.length
    scanner.take(scanner.buffer.length)
  }
  if (!scanner.done) await scanner.cancel()
}

export interface MultipartFile {
  /** The `filename` the client gave, if any. */
  filename: string | null
  contentType: string | null
  /** The part's content, streamed as it arrives. */
  body: ReadableStream<Uint8Array>
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
 * content without ever holding the whole file: only a sliding window the size
 * of one network chunk plus the boundary stays in memory. Fields before it are
 * skipped; the rest of the body after it is not read.
 */
export async function readMultipartFile(stream: ReadableStream<Uint8Array>, boundary: string, field = 'file'): Promise<MultipartFile> {
  const scanner = new Scanner(stream.getReader())
  // Every delimiter but the first is preceded by CRLF; the first is at the start.
  const delimiter = encoder.encode(`\r\n--${boundary}`)
  scanner.buffer = new Uint8Array([13, 10])

  const skipToDelimiter = async (): Promise<void> => {
    for (;;) {
      const at = indexOf(scanner.buffer, delimiter)
      if (at !== -1) {
        scanner.take(at + delimiter.length)
        return
      }
      scanner.take(Math.max(0, scanner.buffer.length - delimiter.length + 1))
      if (!(await scanner.fill())) throw malformed('ended before a boundary')
    }
  }

  await skipToDelimiter()
  for (let part = 0; part < MAX_PARTS; part++) {
    while (scanner.buffer.length < 2) if (!(await scanner.fill())) throw malformed('ended after a boundary')
    if (scanner.buffer[0] === 45 && scanner.buffer[1] === 45) break // "--": the closing delimiter
    let end = indexOf(scanner.buffer, CRLF_CRLF)
    while (end === -1) {
      if (scanner.buffer.length > MAX_PART_HEADER_BYTES) throw malformed('part headers too large')
      if (!(await scanner.fill())) throw malformed('ended inside part headers')
      end = indexOf(scanner.buffer, CRLF_CRLF)
    }
    if (end > MAX_PART_HEADER_BYTES) throw malformed('part headers too large')
    // The headers block starts after the CRLF that ends the delimiter line.
    const headers = parseHeaders(scanner.take(end + 4).subarray(2, end))
    if (headers.name !== field) {
      await skipToDelimiter()
      continue
    }
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (;;) {
          const at = indexOf(scanner.buffer, delimiter)
          if (at !== -1) {
            if (at > 0) controller.enqueue(scanner.take(at).slice())
            scanner.take(scanner.buffer.length)
            controller.close()
            await drainEpilogue(scanner)
            return
          }
          const safe = scanner.buffer.length - delimiter.length + 1
          if (safe > 0) {
            controller.enqueue(scanner.take(safe).slice())
            return
          }
          if (!(await scanner.fill())) {
            controller.error(malformed('ended inside the file'))
            return
          }
        }
      },
      cancel: () => scanner.cancel(),
    })
    return { filename: headers.filename ?? null, contentType: headers.contentType ?? null, body }
  }
  await scanner.cancel()
  throw malformed(`no "${field}" field`)
}
