import type { Services } from '../../services'
import type { SsoFailure } from '../../sso/code-flow'

/** Where the provider sends the browser back: what the client's redirect URI must be at the provider. */
export function callbackUrl(services: Services): string {
  return `${services.config.publicUrl}/sign-in/sso/callback`
}

/** The sign-in page with the one sentence that says why signing on did not work. */
export function signInPageWith(reason: SsoFailure): string {
  return `/?sso=${reason}`
}
