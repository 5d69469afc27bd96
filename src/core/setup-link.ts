import { seconds } from './clock'
import { newId } from './ids'
import type { KeyRing } from './token/keys'
import { signServiceToken } from './token/service-tokens'

/** The line an entry prints on a start while no user exists (docs/accounts.md: exactly `SETUP_URL=<url>`). */
export const SETUP_URL_PREFIX = 'SETUP_URL='

/**
 * A setup link: `<publicUrl>/setup/<token>`, the token of its own type,
 * valid `ttl` seconds and usable once, and only while no user exists
 * (docs/accounts.md, "First start").
 */
export async function makeSetupUrl(ring: KeyRing, publicUrl: string, now: number, ttl: number): Promise<string> {
  const iat = seconds(now)
  const token = await signServiceToken(ring, 'setup', { jti: newId(), sub: 'setup', iat, exp: iat + ttl })
  return `${publicUrl}/setup/${token}`
}
