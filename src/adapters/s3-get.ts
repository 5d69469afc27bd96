import type { S3Settings } from '../core/config'
import { ObjectMissingError, type PendingMultipart, type StoredObject } from '../core/ports'
import { canonicalQuery, type S3Credentials, S3Signer, uriEncode } from './s3-signer'

/** An S3 answer as a transport hands it over: status and headers read, body not yet. */
export interface S3Answer {
  status: number
  /** A response header, by its name in lower case. */
  header(name: string): string | null
  /** The whole body: for an answer known to be small. */
  bytes(): Promise<Uint8Array<ArrayBuffer>>
  /** The body for streaming, in the form the runtime streams best. */
  stream(): StoredObject
  /** Lets the body go unread. */
  discard(): void
}

/** Where the request goes: the endpoint's origin and the path, already URI-encoded (never normalised). */
export interface S3Target {
  origin: URL
  path: string
}

/** Sends one signed GET; the runtime's cheapest client (Node: a keep-alive pool, src/adapters/s3-node-transport.ts). */
export type S3Transport = (target: S3Target, headers: Record<string, string>) => Promise<S3Answer>

/** fetch(), what Workers have (and Node too, at a higher cost per request). */
export const fetchTransport: S3Transport = async (target, headers) => {
  const response = await fetch(new URL(target.path, target.origin), { headers })
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    bytes: async () => new Uint8Array(await response.arrayBuffer()),
    stream: () => ({ body: response.body ?? new Blob([]).stream() }),
    discard: () => void response.body?.cancel().catch(() => {}),
  }
}

/** Raised when storage answered something other than what was asked for: never sent on as the file. */
export class StorageAnswerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StorageAnswerError'
  }
}

// An answer of at most this many bytes is read whole, so that a small
// download goes out in one write (as the disk store does).
const READ_WHOLE = 64 * 1024

/** Bucket names that work as a host name label (no dots, which break TLS for virtual hosts). */
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/

/**
 * GetObject without the SDK: one signed GET through the runtime's transport.
 * The SDK's GetObject spends about a millisecond of CPU per request on its
 * middleware stack, its signer and its body wrapping, more than the rest of a
 * small download; here a request is a cached signing key, one hash, one HMAC
 * and the transport (docs/performance.md).
 *
 * What storage answers is checked before a byte is trusted: a range must come
 * back as 206 with exactly the asked Content-Range (an S3-compatible server
 * that ignores Range answers 200 with the whole object), a whole object as
 * 200. Anything else fails, and the download fails before its first byte.
 */
export class S3ObjectReader {
  readonly #signer: S3Signer
  readonly #origin: URL
  readonly #prefix: string
  readonly #host: string

  constructor(
    settings: S3Settings,
    private readonly transport: S3Transport,
    private readonly credentials: () => Promise<S3Credentials>,
  ) {
    this.#signer = new S3Signer(settings.region)
    const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`)
    const virtualHost = !settings.forcePathStyle && DNS_BUCKET.test(settings.bucket)
    if (virtualHost) endpoint.hostname = `${settings.bucket}.${endpoint.hostname}`
    this.#origin = new URL(endpoint.origin)
    const base = endpoint.pathname.replace(/\/+$/, '')
    this.#prefix = virtualHost ? `${base}/` : `${base}/${uriEncode(settings.bucket, false)}/`
    this.#host = endpoint.host
  }

  async get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    const path = `${this.#prefix}${uriEncode(key, true)}`
    const asked: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end}` } : {}
    const headers = this.#signer.sign('GET', this.#host, path, asked, await this.credentials(), new Date())
    const answer = await this.transport({ origin: this.#origin, path }, headers)
    if (answer.status === 404) {
      answer.discard()
      throw new ObjectMissingError(key)
    }
    const length = checkAnswer(answer, range)
    if (length !== null && length <= READ_WHOLE) {
      const bytes = await answer.bytes()
      if (bytes.byteLength !== length) throw new StorageAnswerError(`storage sent ${bytes.byteLength} bytes of ${length}`)
      return { bytes }
    }
    return answer.stream()
  }

  /**
   * ListMultipartUploads (one page of at most `limit`, as the SDK's call it
   * replaces) as one signed GET: what the Node entry's sweep asks every
   * minute, which would otherwise load the SDK at start (docs/performance.md, "Memory").
   */
  async listMultipartUploads(prefix: string, limit: number): Promise<PendingMultipart[]> {
    const query = { uploads: '', prefix, 'max-uploads': String(Math.min(limit, 1000)) }
    const headers = this.#signer.sign('GET', this.#host, this.#prefix, {}, await this.credentials(), new Date(), query)
    const answer = await this.transport({ origin: this.#origin, path: `${this.#prefix}?${canonicalQuery(query)}` }, headers)
    if (answer.status !== 200) {
      answer.discard()
      throw new StorageAnswerError(`storage answered ${answer.status} to ListMultipartUploads`)
    }
    return pendingUploads(new TextDecoder().decode(await answer.bytes()))
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** The text of an XML element's content: entities and character references decoded. */
function xmlText(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return XML_ENTITIES[name] ?? whole
    return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)))
  })
}

/** The uploads of a ListMultipartUploadsResult: those with a key and an id (the elements S3 always sends). */
function pendingUploads(xml: string): PendingMultipart[] {
  const field = (upload: string, name: string) => {
    const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(upload)
    return match ? xmlText(match[1]!) : null
  }
  return [...xml.matchAll(/<Upload>([\s\S]*?)<\/Upload>/g)].flatMap(([, upload]) => {
    const key = field(upload!, 'Key')
    const handle = field(upload!, 'UploadId')
    const initiated = Date.parse(field(upload!, 'Initiated') ?? '')
    return key && handle ? [{ key, handle, startedAt: Number.isNaN(initiated) ? 0 : initiated }] : []
  })
}

/** The body's length as storage declared it (null when it did not), once the answer is what was asked for. */
function checkAnswer(answer: S3Answer, range: { start: number; end: number } | undefined): number | null {
  const declared = answer.header('content-length')
  const length = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null
  const refuse = (why: string): never => {
    answer.discard()
    throw new StorageAnswerError(why)
  }
  if (!range) {
    if (answer.status !== 200) refuse(`storage answered ${answer.status}`)
    return length
  }
  if (answer.status !== 206) refuse(`storage answered ${answer.status} to a range request`)
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(answer.header('content-range') ?? '')
  if (!match || Number(match[1]) !== range.start || Number(match[2]) !== range.end) {
    refuse(`storage answered the range ${range.start}-${range.end} with Content-Range "${answer.header('content-range') ?? ''}"`)
  }
  const expected = range.end - range.start + 1
  if (length !== null && length !== expected) refuse(`storage declared ${length} bytes for a range of ${expected}`)
  return expected
}
