import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * The lingering close after an answer that left the body unread: bytes are
 * read and discarded while they keep coming, as nginx's lingering_timeout and
 * lingering_time do (docs/security.md, "Unread bodies").
 */
export const LINGER = {
  /** The client sent nothing for this long: it is not writing any more. */
  quietMs: 5_000,
  /** At most this long in all, however slowly the bytes trickle in. */
  totalMs: 30_000,
  /** At most this many bytes read and thrown away. */
  maxBytes: 256 * 1024 * 1024,
}

/**
 * Makes sure a client hears an answer given before its request body was read
 * (413 for an upload that is too large, 401 for a bad key); see
 * docs/architecture.md, "Answers before the body".
 *
 * - `Expect: 100-continue` is answered with 100 only when the app starts
 *   reading the body. An answer given before that goes out instead of 100
 *   and closes the connection, so the client never sends the body.
 * - When the app answered without reading the whole body, the rest is read
 *   and discarded while the client keeps sending (LINGER) before the
 *   connection is closed: closing a socket with unread bytes resets it, and a
 *   client still writing would lose the answer. A body read to its end
 *   leaves the connection open for the next request.
 */
export function answerBeforeBody(server: Server): void {
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
      linger(request)
    })
  })
}

/**
 * Reads what is left of `request` and throws it away until it ends (the
 * connection then carries the next request), the client goes quiet, or a
 * bound is reached (then the connection closes, the answer long delivered).
 *
 * @hono/node-server has a drain of its own that closes the socket 500 ms
 * after the answer whatever is still arriving, which loses the answer on a
 * loaded machine or a slow link; it closes with `socket.destroySoon()`, which
 * is held back here while the linger runs.
 */
function linger(request: IncomingMessage): void {
  const socket = request.socket as Socket
  const destroySoon = socket.destroySoon
  socket.destroySoon = () => {}
  let bytes = 0
  const close = () => {
    finish()
    if (!socket.destroyed) socket.destroySoon()
  }
  const total = setTimeout(close, LINGER.totalMs)
  const quiet = setTimeout(close, LINGER.quietMs)
  const onData = (chunk: Buffer) => {
    bytes += chunk.byteLength
    if (bytes > LINGER.maxBytes) return close()
    quiet.refresh()
  }
  const finish = () => {
    clearTimeout(total)
    clearTimeout(quiet)
    request.off('data', onData).off('end', finish).off('error', finish).off('close', finish)
    socket.destroySoon = destroySoon
  }
  // A reader the app left behind (a web stream over the request) would pause
  // the request as its queue fills: it is let go of first.
  request.removeAllListeners('data')
  request.on('data', onData).once('end', finish).once('error', finish).once('close', finish)
  request.resume()
}
