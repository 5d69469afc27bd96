import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { FuselinkError } from '../../core/errors'

const BODILESS = new Set(['GET', 'HEAD'])

/**
 * Bounds request bodies before anything parses them. A body that declares
 * its length is judged by Content-Length alone, without touching the body:
 * on Node, the first look at `c.req.raw.body` (what hono's bodyLimit does
 * first) builds a web Request with a stream over the socket, which cost more
 * than the rest of issuing a link, while untouched the body is read straight
 * from the socket (docs/performance.md). A body sent in chunks, of no length
 * known ahead, is counted as it is read, by hono's bodyLimit.
 */
function limitBodies(maxSize: number, tooLarge: () => FuselinkError): MiddlewareHandler {
  const counted = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge()
    },
  })
  return async (c, next) => {
    if (BODILESS.has(c.req.method)) return next()
    const length = c.req.header('content-length')
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next)
    if (Number.parseInt(length, 10) > maxSize) throw tooLarge()
    return next()
  }
}

export const JSON_BODY_LIMIT = 64 * 1024

/** Bounds JSON request bodies before anything parses them; over the limit is 413. */
export const jsonLimit = limitBodies(
  JSON_BODY_LIMIT,
  () => new FuselinkError('payload_too_large', `JSON bodies are limited to ${JSON_BODY_LIMIT} bytes.`),
)

export const FORM_BODY_LIMIT = 16 * 1024

/** Bounds the form posts of the setup and invite pages. */
export const formLimit = limitBodies(
  FORM_BODY_LIMIT,
  () => new FuselinkError('payload_too_large', `Forms are limited to ${FORM_BODY_LIMIT} bytes.`),
)
