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
 * Identifiers of files, links and keys: about 60 random bits, 10
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

/** The base64url alphabet in ASCII order, so that ids compared as text sort by their time prefix. */
const ORDERED_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'
/** 42 bits of milliseconds since 1970: enough until the year 2109. */
const TIME_CHARACTERS = 7

/**
 * Identifiers of rows written at every download (transfers, link events):
 * the time `at` in 7 characters, then a random id. Rows with random keys land
 * all over their index, so each insert dirties a page of its own; rows in time
 * order are appended to the same few pages, which the download's one commit
 * writes once (docs/performance.md, "Rows in time order"). Never starts with
 * `-` for any time after 1972.
 */
export function newOrderedId(at: number): string {
  let prefix = ''
  for (let shift = (TIME_CHARACTERS - 1) * 6; shift >= 0; shift -= 6) prefix += ORDERED_ALPHABET[Math.floor(at / 2 ** shift) % 64]
  return prefix + newId()
}

/** An API key secret: 256 random bits, recognisable by its prefix. */
export function newApiKeySecret(): string {
  return `fl_${base64url(randomBytes(32))}`
}
