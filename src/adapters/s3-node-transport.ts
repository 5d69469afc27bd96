import * as net from 'node:net'
import * as tls from 'node:tls'
import type { ByteSource } from '../core/ports'
import { type S3Transport, StorageAnswerError } from './s3-get'

/** Until storage starts answering; a body that is slow to be read (a slow client) is never timed out here. */
const ANSWER_TIMEOUT_MS = 30_000
/** The most an answer's status line and headers may take. */
const MAX_HEAD_BYTES = 64 * 1024
/** How long an idle connection is kept: under the 5 s after which Node servers (s3rver) close one. */
const IDLE_MS = 4_000
const MAX_IDLE_PER_ORIGIN = 32

const HEAD_END = Buffer.from('\r\n\r\n')

interface Head {
  status: number
  headers: Map<string, string>
  /** The body's length; null when the answer declared none (or came in chunks), which this reader does not take. */
  length: number | null
  reusable: boolean
}

/**
 * One connection to storage, used for one answer at a time and then kept for
 * the next. The answer is read off the socket here: node:http's parser hands
 * every body piece to JavaScript as a fresh copy, which was the largest single
 * cost of a large download from S3 (docs/performance.md); here the pieces
 * are the socket's own, sliced, never copied. Storage answers GetObject with
 * a Content-Length; an answer without one is refused, never read to the close.
 */
class Connection {
  #onData: ((chunk: Buffer) => void) | null = null
  #onEnd: ((error: Error) => void) | null = null

  constructor(
    readonly socket: net.Socket,
    readonly key: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (this.#onData) this.#onData(chunk)
      else socket.destroy()
    })
    const ended = (error?: Error) => this.#onEnd?.(error ?? new Error('storage closed the connection'))
    // Waiting for an answer (ANSWER_TIMEOUT_MS) or idle in the pool (IDLE_MS): either way the connection ends.
    socket.on('timeout', () => socket.destroy(new Error('storage did not answer in time')))
    socket.on('error', ended)
    socket.on('close', () => ended())
    socket.on('end', () => ended())
  }

  listen(onData: ((chunk: Buffer) => void) | null, onEnd: ((error: Error) => void) | null): void {
    this.#onData = onData
    this.#onEnd = onEnd
  }
}

/** Idle connections by origin, newest last. */
class Pool {
  readonly #idle = new Map<string, Connection[]>()

  take(key: string): Connection | null {
    const list = this.#idle.get(key)
    let connection = list?.pop() ?? null
    while (connection?.socket.destroyed) connection = list?.pop() ?? null
    if (connection) {
      connection.socket.setTimeout(0)
      connection.socket.ref()
    }
    return connection
  }

  give(connection: Connection): void {
    const list = this.#idle.get(connection.key) ?? []
    if (list.length >= MAX_IDLE_PER_ORIGIN || connection.socket.destroyed) {
      connection.socket.destroy()
      return
    }
    const forget = () => {
      const at = list.indexOf(connection)
      if (at >= 0) list.splice(at, 1)
      connection.socket.destroy()
    }
    connection.listen(null, forget)
    connection.socket.setTimeout(IDLE_MS)
    connection.socket.unref()
    list.push(connection)
    this.#idle.set(connection.key, list)
  }
}

function parseHead(text: string): Head {
  const [statusLine, ...lines] = text.split('\r\n')
  const match = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(statusLine ?? '')
  if (!match) throw new StorageAnswerError('storage answered something other than HTTP/1.x')
  const headers = new Map<string, string>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new StorageAnswerError('storage answered a malformed header')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value)
  }
  const declared = headers.get('content-length')
  const chunked = headers.has('transfer-encoding')
  const length = !chunked && declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : null
  const close = /\bclose\b/i.test(headers.get('connection') ?? '')
  return { status: Number(match[2]), headers, length, reusable: match[1] === '1' && !close && length !== null }
}

/**
 * An answer's body as a byte source: the pieces as the socket delivers them,
 * the socket paused while a piece waits, so that storage is read no faster
 * than the client takes the bytes. A connection that closes before the last
 * byte is an error, never a short body.
 */
class BodySource implements ByteSource {
  readonly #queue: Buffer[] = []
  #left: number
  #error: Error | null = null
  #wake: (() => void) | null = null

  constructor(
    private readonly connection: Connection,
    first: Buffer,
    length: number,
    private readonly done: () => void,
  ) {
    this.#left = length
    connection.listen(
      (chunk) => this.#take(chunk),
      (error) => {
        this.#error ??= error
        this.#wakeReader()
      },
    )
    if (first.byteLength > 0) this.#take(first)
    if (this.#left === 0) this.#finish()
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const piece = this.#queue.shift()
      if (piece) return piece
      if (this.#left === 0) return null
      if (this.#error) throw this.#error
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        this.connection.socket.resume()
      })
    }
  }

  release(): void {}

  async cancel(): Promise<void> {
    this.#queue.length = 0
    if (this.#left > 0) {
      this.#left = 0
      this.connection.listen(null, null)
      this.connection.socket.destroy()
    }
  }

  #take(chunk: Buffer): void {
    if (this.#left === 0 || chunk.byteLength > this.#left) {
      // More than the answer declared: the connection cannot carry another answer.
      this.#error ??= new StorageAnswerError('storage sent more bytes than it declared')
      this.connection.listen(null, null)
      this.connection.socket.destroy()
      this.#wakeReader()
      return
    }
    this.#queue.push(chunk)
    this.#left -= chunk.byteLength
    if (this.#left === 0) this.#finish()
    else this.connection.socket.pause()
    this.#wakeReader()
  }

  #finish(): void {
    this.connection.listen(null, null)
    this.done()
  }

  #wakeReader(): void {
    const waiting = this.#wake
    this.#wake = null
    waiting?.()
  }
}

/**
 * GETs over plain sockets (TLS for https:) with a keep-alive pool: about half
 * the CPU of fetch() per request, and the body handed on as the socket's own
 * pieces. A request on a kept connection that storage closed meanwhile is
 * sent again once on a fresh one (a GET may be repeated).
 */
export function nodeTransport(): S3Transport {
  const pool = new Pool()
  const connect = (origin: URL, key: string): Connection => {
    const secure = origin.protocol === 'https:'
    const host = origin.hostname.replace(/^\[|\]$/g, '')
    const port = Number(origin.port || (secure ? 443 : 80))
    const socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port })
    socket.setNoDelay(true)
    return new Connection(socket, key)
  }

  const attempt = (connection: Connection, request: string, reused: boolean) =>
    new Promise<{ head: Head; rest: Buffer }>((resolve, reject) => {
      let received: Buffer = Buffer.alloc(0)
      const socket = connection.socket
      socket.setTimeout(ANSWER_TIMEOUT_MS)
      connection.listen(
        (chunk) => {
          received = received.byteLength === 0 ? chunk : Buffer.concat([received, chunk])
          const end = received.indexOf(HEAD_END)
          if (end < 0) {
            if (received.byteLength > MAX_HEAD_BYTES) socket.destroy(new StorageAnswerError('storage answered a head too large'))
            return
          }
          socket.setTimeout(0)
          socket.pause()
          connection.listen(null, null)
          try {
            resolve({ head: parseHead(received.subarray(0, end).toString('latin1')), rest: received.subarray(end + HEAD_END.byteLength) })
          } catch (error) {
            socket.destroy()
            reject(error)
          }
        },
        (error) => {
          socket.setTimeout(0)
          connection.listen(null, null)
          socket.destroy()
          reject(Object.assign(error, { beforeAnswer: received.byteLength === 0 && reused }))
        },
      )
      socket.resume()
      socket.write(request)
    })

  return async ({ origin, path }, headers) => {
    const key = origin.origin
    let request = `GET ${path} HTTP/1.1\r\n`
    for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`
    request += '\r\n'
    const kept = pool.take(key)
    let connection = kept ?? connect(origin, key)
    let answer: { head: Head; rest: Buffer }
    try {
      answer = await attempt(connection, request, kept !== null)
    } catch (error) {
      if (!(error as { beforeAnswer?: boolean }).beforeAnswer) throw error
      connection = connect(origin, key)
      answer = await attempt(connection, request, false)
    }
    const { head, rest } = answer
    const used = connection
    let settled = false
    const done = () => {
      if (settled) return
      settled = true
      if (head.reusable) pool.give(used)
      else used.socket.destroy()
    }
    const unreadable = () => {
      done()
      return new StorageAnswerError('storage answered without a Content-Length')
    }
    const body = () => {
      if (head.length === null) throw unreadable()
      return new BodySource(used, rest, head.length, done)
    }
    return {
      status: head.status,
      header: (name) => head.headers.get(name) ?? null,
      bytes: async () => {
        const source = body()
        const pieces: Uint8Array[] = []
        for (let piece = await source.read(); piece !== null; piece = await source.read()) pieces.push(piece)
        const whole = Buffer.concat(pieces)
        return new Uint8Array(whole.buffer as ArrayBuffer, whole.byteOffset, whole.byteLength)
      },
      stream: () => ({ source: body() }),
      discard: () => {
        if (settled) return
        settled = true
        used.listen(null, null)
        used.socket.destroy()
      },
    }
  }
}
