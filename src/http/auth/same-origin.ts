import type { Context } from 'hono'
import { publicOrigin } from '../public-origin'
import type { Services } from '../services'

/*
 * Cross-site request forgery (docs/accounts.md, "CSRF"). A browser names where
 * a request comes from in `Origin` and, in every current engine, in
 * `Sec-Fetch-Site`. Pages served with `Referrer-Policy: no-referrer` make a
 * browser send `Origin: null` even on same-origin posts, so `Sec-Fetch-Site:
 * same-origin` alone is proof enough.
 */

/** The request comes from a page of this service: `Origin` is PUBLIC_URL's origin, or `Sec-Fetch-Site` says same-origin. */
export function isSameOrigin(c: Context, services: Services): boolean {
  if (c.req.header('sec-fetch-site') === 'same-origin') return true
  const origin = c.req.header('origin')
  return origin !== undefined && origin === new URL(publicOrigin(services, c.req.url)).origin
}

/**
 * For a request that carries no ambient credential (signing in): a browser
 * must show it is same-origin; a program, which sends neither header, may go
 * ahead. Keeps another site from signing a visitor in to an account of its
 * choosing.
 */
export function isBrowserCrossSite(c: Context, services: Services): boolean {
  const fromBrowser = c.req.header('origin') !== undefined || c.req.header('sec-fetch-site') !== undefined
  return fromBrowser && !isSameOrigin(c, services)
}
