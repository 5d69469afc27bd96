import * as net from 'node:net'
import * as tls from 'node:tls'
import type { ByteSource } from '../core/ports'
import { ReadBuffers } from './read-buffers'
import { type S3Transport, StorageAnswerError } from './s3-get'

/** Until storage starts answering; a body that is slow to be read (a slow client) is never timed out here. */
const ANSWER_TIMEOUT_MS = 30_000
/** The most an answer's status line and headers may take. */
const MAX_HEAD_BYTES = 64 * 1024
/** How long an idle connection is kept: under the 5 s after which Node servers (s3rver) close one. */
const IDLE_MS = 4_000
const MAX_IDLE_PER_ORIGIN = 32

const HEAD_END = Buffer.from('\r\n\r\n')

/** What one socket read takes at most: what the kernel hands over in one read on loopback, and about what a TLS read gives. */
const PIECE = 64 * 1024
/**
 * The socket read buffers of every storage connection of the process. Each
 * read lands in a buffer of this pool, handed on as the body's piece and
 * read into again once the piece was written to the client: a fresh buffer
 * per read (what a socket does by itself) left every piece to the garbage
 * collector, up to tens of MiB of them between two collections
 * (docs/performance.md, "Read buffers shared by every download").
 */
const pieceBuffers = new ReadBuffers(PIECE, PIECE, 4 * 1024 * 1024)

/** A buffer of the pool, as the socket is given one to read into. */
const nextPiece = (): Buffer => Buffer.from(pieceBuffers.take(PIECE))

/**
 * What a stopped socket is given to read into once WAITING_WITH_BUFFER
 * others wait with a buffer of their own: a socket holds the buffer of its
 * next read while it waits, and a crowd of slow clients keeps nearly all of
 * them waiting. The one read after a restart lands here and is copied into a
 * buffer of the pool at once, before any other socket can read. A few
 * downloads never pay the copy (about 0.2 s of CPU per GiB for one alone).
 */
const PARKED = Buffer.allocUnsafeSlow(PIECE)
const WAITING_WITH_BUFFER = 32
/** Stopped sockets waiting with a buffer of their own. */
let waitingWithBuffer = 0

/** The bytes a read left in PARKED, copied into a buffer of the pool. */
function unpark(bytes: number): Buffer {
  const piece = nextPiece().subarray(0, bytes)
  PARKED.copy(piece, 0, 0, bytes)
  return piece
}

/** Hands back a piece's buffer to the pool; only for a piece that nothing else holds. */
const givePiece = (piece: Uint8Array): void => pieceBuffers.give(piece.buffer as ArrayBuffer)

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
 * are handed on as the socket read them (into buffers of `pieceBuffers`,
 * over plain TCP), never copied. Storage answers GetObject with a
 * Content-Length; an answer without one is refused, never read to the close.
 */
class Connection {
  /** Takes a piece, which is then its own (to hand back with `givePiece`); false stops reading until `resume()`. */
  #onData: ((piece: Buffer) => boolean) | null = null
  #onEnd: ((error: Error) => void) | null = null
  readonly socket: net.Socket

  /**
   * @param open opens the socket; with `onread`, reading into it (plain TCP).
   *   A TLS socket is opened without: Node documents `onread` for net
   *   sockets only, so its pieces are the socket's own fresh buffers.
   */
  constructor(
    open: (onread?: net.OnReadOpts) => net.Socket,
    readsIntoPool: boolean,
    readonly key: string,
  ) {
    const deliver = (piece: Buffer): boolean => {
      if (this.#onData) return this.#onData(piece)
      givePiece(piece)
      socket.destroy()
      return false
    }
    let stopped = false
    /** This socket is stopped and counted in waitingWithBuffer. */
    let holding = false
    const letGo = () => {
      if (holding) waitingWithBuffer--
      holding = false
    }
    const socket = readsIntoPool
      ? open({
          buffer: () => {
            if (!stopped) return nextPiece()
            if (waitingWithBuffer >= WAITING_WITH_BUFFER) return PARKED
            holding = true
            waitingWithBuffer++
            return nextPiece()
          },
          callback: (bytes, buffer) => {
            letGo()
            const piece = buffer === PARKED ? unpark(bytes) : (buffer as Buffer).subarray(0, bytes)
            stopped = !deliver(piece)
            return !stopped
          },
        })
      : open().on('data', (piece: Buffer) => {
          if (!deliver(piece)) socket.pause()
        })
    this.socket = socket
    const ended = (error?: Error) => this.#onEnd?.(error ?? new Error('storage closed the connection'))
    // Waiting for an answer (ANSWER_TIMEOUT_MS) or idle in the pool (IDLE_MS): either way the connection ends.
    socket.on('timeout', () => socket.destroy(new Error('storage did not answer in time')))
    socket.on('error', ended)
    socket.on('close', () => {
      letGo()
      ended()
    })
    socket.on('end', () => ended())
  }

  listen(onData: ((piece: Buffer) => boolean) | null, onEnd: ((error: Error) => void) | null): void {
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
    // Read while idle: storage closing the connection is noticed here, not by the next GET.
    connection.socket.resume()
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
  /**
   * The pieces handed on and not given back: only those return to the pool,
   * and once. Weak: a piece its consumer keeps and never gives back (the
   * read-back that hashes a joined upload) is left to the garbage collector.
   */
  readonly #lent = new WeakSet<ArrayBufferLike>()
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
      (piece) => this.#take(piece),
      (error) => {
        this.#error ??= error
        this.#wakeReader()
      },
    )
    if (first.byteLength > 0) this.#take(first)
    else givePiece(first)
    if (this.#left === 0) this.#finish()
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const piece = this.#queue.shift()
      if (piece) {
        this.#lent.add(piece.buffer)
        return piece
      }
      if (this.#left === 0) return null
      if (this.#error) throw this.#error
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        this.connection.socket.resume()
      })
    }
  }

  release(chunk: Uint8Array): void {
    // A piece given back twice would be read into by two connections at once.
    if (this.#lent.delete(chunk.buffer)) givePiece(chunk)
  }

  async cancel(): Promise<void> {
    for (const piece of this.#queue.splice(0)) givePiece(piece)
    if (this.#left > 0) {
      this.#left = 0
      this.connection.listen(null, null)
      this.connection.socket.destroy()
    }
  }

  /**
   * A piece off the socket. Until the last, the socket then stops: it reads
   * on once the reader asks for more (`read`); after the last the connection
   * reads on, idle, to notice storage closing it.
   */
  #take(piece: Buffer): boolean {
    if (this.#left === 0 || piece.byteLength > this.#left) {
      // More than the answer declared: the connection cannot carry another answer.
      givePiece(piece)
      this.#error ??= new StorageAnswerError('storage sent more bytes than it declared')
      this.connection.listen(null, null)
      this.connection.socket.destroy()
      this.#wakeReader()
      return false
    }
    this.#queue.push(piece)
    this.#left -= piece.byteLength
    if (this.#left === 0) this.#finish()
    this.#wakeReader()
    return this.#left === 0
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
    return new Connection(
      (onread) => {
        const socket = secure
          ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
          : net.connect({ host, port, onread })
        socket.setNoDelay(true)
        return socket
      },
      !secure,
      key,
    )
  }

  const attempt = (connection: Connection, request: string, reused: boolean) =>
    new Promise<{ head: Head; rest: Buffer }>((resolve, reject) => {
      let received: Buffer = Buffer.alloc(0)
      const socket = connection.socket
      socket.setTimeout(ANSWER_TIMEOUT_MS)
      connection.listen(
        (piece) => {
          if (received.byteLength === 0) received = piece
          else {
            // A head in several pieces is put together in a copy; the pieces go back at once.
            const whole = Buffer.concat([received, piece])
            givePiece(received)
            givePiece(piece)
            received = whole
          }
          const end = received.indexOf(HEAD_END)
          if (end < 0) {
            if (received.byteLength > MAX_HEAD_BYTES) socket.destroy(new StorageAnswerError('storage answered a head too large'))
            return true
          }
          socket.setTimeout(0)
          connection.listen(null, null)
          try {
            resolve({ head: parseHead(received.subarray(0, end).toString('latin1')), rest: received.subarray(end + HEAD_END.byteLength) })
          } catch (error) {
            givePiece(received)
            socket.destroy()
            reject(error)
          }
          return false
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
        for (const piece of pieces) source.release(piece)
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
