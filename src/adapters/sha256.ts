import { createHash } from 'node:crypto'

/**
 * SHA-256 of a string (UTF-8), in hex, synchronously: node:crypto, on Node
 * and on Workers (the `nodejs_compat` flag). WebCrypto's digest is
 * asynchronous, on Node a hop to the thread pool and back, which cost about a
 * tenth of issuing a link when every API request hashed its key that way
 * (docs/performance.md).
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
