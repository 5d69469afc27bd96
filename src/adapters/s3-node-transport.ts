import * as http from 'node:http'
import * as https from 'node:https'
import type { ByteSource } from '../core/ports'
import type { S3Answer, S3Transport } from './s3-get'

/** Until storage starts answering; a body that is slow to be read (a slow client) is never timed out here. */
const ANSWER_TIMEOUT_MS = 30_000

/**
 * An answer's body as a byte source: the chunks as the socket delivers them,
 * the response paused between reads so that storage is read no faster than
 * the client takes the bytes. A connection that closes before the last byte
 * is an error, never a short body.
 */
class IncomingSource implements ByteSource {
  readonly #queue: Uint8Array[] = []
  #ended = false
  #error: Error | null = null
  #wake: (() => void) | null = null

  constructor(private readonly response: http.IncomingMessage) {
    const wake = () => {
      const waiting = this.#wake
      this.#wake = null
      waiting?.()
    }
    response.on('data', (chunk: Buffer) => {
      this.#queue.push(chunk)
      response.pause()
      wake()
    })
    response.on('end', () => {
      this.#ended = true
      wake()
    })
    response.on('error', (error) => {
      this.#error ??= error
      wake()
    })
    response.on('close', () => {
      if (!this.#ended) this.#error ??= new Error('the storage answer ended before its last byte')
      wake()
    })
    response.pause()
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.#queue.shift()
      if (chunk) return chunk
      if (this.#error) throw this.#error
      if (this.#ended) return null
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        this.response.resume()
      })
    }
  }

  release(): void {}

  async cancel(): Promise<void> {
    this.#ended = true
    this.response.destroy()
  }
}

/**
 * GETs over node:http(s) with a keep-alive pool: about half the CPU of
 * fetch() per request, and the body handed on as the socket's own chunks.
 */
export function nodeTransport(): S3Transport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  }
  return ({ origin, path }, headers) =>
    new Promise<S3Answer>((resolve, reject) => {
      const secure = origin.protocol === 'https:'
      const request = (secure ? https : http).request({
        protocol: origin.protocol,
        hostname: origin.hostname.replace(/^\[|\]$/g, ''),
        port: origin.port || (secure ? 443 : 80),
        path,
        method: 'GET',
        headers,
        agent: secure ? agents['https:'] : agents['http:'],
      })
      request.setTimeout(ANSWER_TIMEOUT_MS, () => request.destroy(new Error('storage did not answer in time')))
      request.once('error', reject)
      request.once('response', (response) => {
        request.setTimeout(0)
        resolve({
          status: response.statusCode ?? 0,
          header: (name) => {
            const value = response.headers[name]
            return Array.isArray(value) ? value.join(', ') : (value ?? null)
          },
          bytes: () => readWhole(response),
          stream: () => ({ source: new IncomingSource(response) }),
          discard: () => void response.resume(),
        })
      })
      request.end()
    })
}

function readWhole(response: http.IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    response.on('data', (chunk: Buffer) => chunks.push(chunk))
    response.once('end', () => {
      const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      resolve(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength) as Uint8Array<ArrayBuffer>)
    })
    response.once('error', reject)
    response.once('close', () => {
      if (!response.complete) reject(new Error('the storage answer ended before its last byte'))
    })
  })
}
