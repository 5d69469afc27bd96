import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export interface UnreadBodyLimits {
  /** How long an unread request body is drained after the answer, at most. */
  lingerMs: number
  /** How many bytes of it, at most. */
  lingerBytes: number
}

const DEFAULT_LIMITS: UnreadBodyLimits = { lingerMs: 5_000, lingerBytes: 256 * 1024 * 1024 }

/**
 * Makes sure a client hears an answer given before its request body was read
 * (413 for an upload that is too large, 401 for a bad key): see
 * docs/architecture.md, "Answers before the body".
 *
 * - `Expect: 100-continue` is answered with 100 only when the app starts
 *   reading the body. An answer given before that goes out instead of 100
 *   and closes the connection, so the client never sends the body.
 * - When the app answered without reading the whole body, the rest is read
 *   and discarded for a bounded time and size before the connection closes,
 *   as nginx's lingering close does: closing a socket with unread bytes
 *   resets it, and a client still writing would lose the answer.
 */
export function answerBeforeBody(server: Server, limits: UnreadBodyLimits = DEFAULT_LIMITS): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    let continued = false
    request.once('resume', () => {
      if (continued || response.headersSent) return
      continued = true
      response.writeContinue()
    })
    const writeHead = response.writeHead
    response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      // The client waits for 100 or a final answer; after a final one it does
      // not send the body, so the connection cannot carry another request.
      if (!continued) this.shouldKeepAlive = false
      return writeHead.apply(this, args)
    } as ServerResponse['writeHead']
    server.emit('request', request, response)
  })

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    response.once('finish', () => {
      if (request.complete || request.destroyed || !response.shouldKeepAlive) return
      lingerOn(request, limits)
    })
  })
}

function lingerOn(request: IncomingMessage, limits: UnreadBodyLimits): void {
  let read = 0
  const done = () => {
    clearTimeout(timer)
    request.off('data', discard)
  }
  const stop = () => {
    done()
    request.socket.destroySoon()
  }
  const discard = (chunk: Buffer) => {
    read += chunk.byteLength
    if (read > limits.lingerBytes) stop()
  }
  const timer = setTimeout(stop, limits.lingerMs)
  timer.unref()
  // Whoever read part of the body has stopped; a web-stream reader left
  // behind would pause the request again as its queue fills.
  request.removeAllListeners('data')
  request.on('data', discard)
  request.once('end', done)
  request.once('close', done)
  request.resume()
}
