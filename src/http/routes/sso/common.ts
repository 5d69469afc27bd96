import type { Context } from 'hono'
import { publicOrigin } from '../../public-origin'
import type { Services } from '../../services'
import type { SsoFailure } from '../../sso/code-flow'

/** Where the provider sends the browser back: what the client's redirect URI must be at the provider. */
export function callbackUrl(services: Services, c: Context): string {
  return `${publicOrigin(services, c.req.url)}/sign-in/sso/callback`
}

/** The sign-in page with the one sentence that says why signing on did not work. */
export function signInPageWith(reason: SsoFailure): string {
  return `/?sso=${reason}`
}
