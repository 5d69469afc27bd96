import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/**
 * Makes sure a client hears an answer given before its request body was read
 * (413 for an upload that is too large, 401 for a bad key); see
 * docs/architecture.md, "Answers before the body".
 *
 * - `Expect: 100-continue` is answered with 100 only when the app starts
 *   reading the body. An answer given before that goes out instead of 100
 *   and closes the connection, so the client never sends the body.
 * - When the app answered without reading the whole body, @hono/node-server
 *   reads and discards the rest for a bounded time and size (500 ms, 64 MiB)
 *   before closing, as nginx's lingering close does: closing a socket with
 *   unread bytes resets it, and a client still writing would lose the answer.
 *   That drain stalls when a reader the app left behind (a web stream over
 *   the request) pauses the request as its queue fills, so that reader is
 *   let go of here first.
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
      request.removeAllListeners('data')
      request.resume()
    })
  })
}
