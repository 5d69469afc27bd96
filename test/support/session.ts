import type { ServiceTarget } from './target'

export const SESSION_COOKIE = 'fuselink_session'

/** The attributes of one Set-Cookie, by lower-cased name (`value` is the cookie's own). */
export function parseSetCookie(header: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = header.split(';').map((part) => part.trim())
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const at = part.indexOf('=')
    attributes.set((at < 0 ? part : part.slice(0, at)).toLowerCase(), at < 0 ? '' : part.slice(at + 1))
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes }
}

/** The value of cookie `name` set by a response, if it sets it. */
export function cookieSet(response: Response, name: string): string | null {
  for (const header of response.headers.getSetCookie()) {
    const cookie = parseSetCookie(header)
    if (cookie.name === name) return cookie.value
  }
  return null
}

/**
 * A browser-like client of the API holding one session cookie: it sends the
 * cookie, and an `Origin` (the service's own, unless told otherwise), as a
 * page of the service would.
 */
export class SessionClient {
  constructor(
    readonly target: ServiceTarget,
    readonly cookie: string,
    readonly origin: string | null = new URL(target.baseUrl).origin,
  ) {}

  /** Signs in with username and password (from the service's origin); throws unless 201. */
  static async signIn(target: ServiceTarget, username: string, password: string, origin?: string): Promise<SessionClient> {
    const response = await fetch(`${target.baseUrl}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    const cookie = cookieSet(response, SESSION_COOKIE)
    if (response.status !== 201 || !cookie) throw new Error(`sign-in of ${username}: ${response.status} ${await response.text()}`)
    return new SessionClient(target, cookie, origin)
  }

  request(method: string, path: string, init: { json?: unknown; headers?: Record<string, string>; body?: BodyInit } = {}) {
    const headers: Record<string, string> = { cookie: `${SESSION_COOKIE}=${this.cookie}`, ...init.headers }
    if (this.origin !== null && !('origin' in headers)) headers.origin = this.origin
    let body = init.body
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(init.json)
    }
    return fetch(`${this.target.baseUrl}${path}`, { method, headers, body, redirect: 'manual' })
  }

  async json<T = any>(method: string, path: string, init: Parameters<SessionClient['request']>[2] = {}, expected = 200): Promise<T> {
    const response = await this.request(method, path, init)
    const text = await response.text()
    if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text}`)
    return (text ? JSON.parse(text) : null) as T
  }
}
