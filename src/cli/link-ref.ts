import { UsageError } from './exit'

/** A link as named on the command line: by id, or by its token (a link URL's last segment). */
export type LinkRef = { id: string; token?: undefined } | { id: string; token: string }

const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
const ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * An id, a token, or a link URL (`…/s/<token>`, `…/d/<token>`). The id of a
 * token is read from its `jti` without checking the signature: the service
 * checks it on every use.
 */
export function parseLinkRef(argument: string): LinkRef {
  let token = argument
  if (/^https?:\/\//i.test(argument)) {
    const match = /\/[sd]\/([^/?#]+)\/?(?:[?#].*)?$/.exec(argument)
    if (!match) throw new UsageError(`"${argument}" is not a link URL (…/s/<token> or …/d/<token>)`)
    token = decodeURIComponent(match[1]!)
  } else if (ID.test(argument)) {
    return { id: argument }
  }
  if (!TOKEN.test(token)) throw new UsageError(`"${argument}" is neither a link id, a link URL nor a token`)
  let id: unknown
  try {
    id = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).jti
  } catch {
    id = undefined
  }
  if (typeof id !== 'string' || !ID.test(id)) throw new UsageError(`"${argument}" does not carry a link id`)
  return { id, token }
}
