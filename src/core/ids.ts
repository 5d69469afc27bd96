import { base64url, randomBytes } from './encoding'

/**
 * Identifiers of files, links, keys and transfers: about 60 random bits, 10
 * URL-safe characters. Short on purpose: link and file ids ride inside every
 * token, and a whole link URL must stay under 300 characters. Never starting
 * with `-`, so that a command line (`fuselink rm <id>`) never reads one as an
 * option.
 */
export function newId(): string {
  for (;;) {
    const id = base64url(randomBytes(8)).slice(0, 10)
    if (!id.startsWith('-')) return id
  }
}

/** An API key secret: 256 random bits, recognisable by its prefix. */
export function newApiKeySecret(): string {
  return `fl_${base64url(randomBytes(32))}`
}
