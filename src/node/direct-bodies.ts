import { ServerResponse } from 'node:http'
import type { Http2Bindings, HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Context } from 'hono'
import { type MeteredBody, pipeMetered } from '../core/http/metered-stream'
import type { ByteSink } from '../core/ports'

/** The server response as a sink: chunks go to the socket as they are, with Node's own backpressure. */
class ResponseSink implements ByteSink {
  constructor(private readonly response: ServerResponse) {}

  write(chunk: Uint8Array, done: () => void): boolean {
    return this.response.write(chunk, done)
  }

  ready(): Promise<void> {
    const response = this.response
    if (!response.writableNeedDrain || response.destroyed) return Promise.resolve()
    return new Promise((resolve) => {
      const go = () => {
        response.off('drain', go)
        response.off('close', go)
        resolve()
      }
      response.on('drain', go)
      response.on('close', go)
    })
  }

  end(): void {
    if (!this.response.destroyed) this.response.end()
  }

  abort(error: unknown): void {
    this.response.destroy(error instanceof Error ? error : undefined)
  }

  onClose(listener: () => void): void {
    this.response.once('close', () => {
      if (!this.response.writableFinished) listener()
    })
  }
}

type NodeBindings = HttpBindings | Http2Bindings

/**
 * What the large writes of every download streaming at once may hold in all:
 * up to four downloads write 1 MiB at a time, eight 512 KiB each, and a
 * crowd of slow clients at the smallest size, so that memory stays flat
 * however many there are (docs/performance.md).
 */
const WRITE_BUDGET = 4 * 1024 * 1024

/**
 * Streamed downloads written to the socket by the entry itself. A web stream
 * costs a promise chain per chunk on Node, and @hono/node-server copies it
 * chunk by chunk into the response; a metered body written straight to the
 * ServerResponse, in chunks read into reused buffers, costs about half the
 * CPU per GiB (docs/performance.md).
 *
 * The route offers its body (`offer`, the Services hook `offerDirect`); once
 * the app has answered, middleware included, `fetch` takes the body if the
 * answer still carries it, writes the head and pipes the body. Anything else
 * goes out as @hono/node-server writes it.
 */
export function directBodies(appFetch: (request: Request, env: NodeBindings) => Response | Promise<Response>) {
  const offered = new WeakMap<ServerResponse, MeteredBody>()
  let streaming = 0
  const share = () => WRITE_BUDGET / Math.max(1, streaming)
  return {
    offer(c: Context, body: MeteredBody): void {
      const outgoing = (c.env as Partial<NodeBindings> | undefined)?.outgoing
      if (outgoing instanceof ServerResponse) offered.set(outgoing, body)
    },
    async fetch(request: Request, env: NodeBindings): Promise<Response> {
      const response = await appFetch(request, env)
      const outgoing = env.outgoing
      const body = outgoing instanceof ServerResponse ? offered.get(outgoing) : undefined
      if (!body || !(outgoing instanceof ServerResponse)) return response
      offered.delete(outgoing)
      // Materialises the response: done for streamed downloads only.
      if (!body.carries(response.body)) return response
      const head: Record<string, string | string[]> = {}
      response.headers.forEach((value, name) => {
        head[name] = value
      })
      // Iteration yields each Set-Cookie on its own; all of them go out.
      const cookies = response.headers.getSetCookie()
      if (cookies.length > 0) head['set-cookie'] = cookies
      outgoing.writeHead(response.status, head)
      streaming++
      void pipeMetered(body, new ResponseSink(outgoing), share).finally(() => streaming--)
      return RESPONSE_ALREADY_SENT
    },
  }
}
