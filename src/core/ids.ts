import { base64url, randomBytes } from './encoding'

// One call of crypto.getRandomValues costs a few microseconds on Node
// whatever its size, and a request draws several ids: they are cut from a
// pool of random bytes refilled 4 KiB at a time, each byte used once.
const ID_BYTES = 8
const POOL_BYTES = 4096
let pool = new Uint8Array(0)
let used = 0

function idBytes(): Uint8Array {
  if (used + ID_BYTES > pool.byteLength) {
    pool = randomBytes(POOL_BYTES)
    used = 0
  }
  used += ID_BYTES
  return pool.subarray(used - ID_BYTES, used)
}

/**
 * Identifiers of files, links, keys and transfers: about 60 random bits, 10
 * URL-safe characters. Short on purpose: link and file ids ride inside every
 * token, and a whole link URL must stay under 300 characters. Never starting
 * with `-`, so that a command line (`fuselink rm <id>`) never reads one as an
 * option.
 */
export function newId(): string {
  for (;;) {
    const id = base64url(idBytes()).slice(0, 10)
    if (!id.startsWith('-')) return id
  }
}

/** An API key secret: 256 random bits, recognisable by its prefix. */
export function newApiKeySecret(): string {
  return `fl_${base64url(randomBytes(32))}`
}
