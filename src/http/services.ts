import type { Context } from 'hono'
import { type Clock, systemClock } from '../core/clock'
import type { AppConfig } from '../core/config'
import type { Principal } from '../core/model'
import type { ObjectStore, StateStore } from '../core/ports'
import { FailureLimiter } from '../core/rate-limit'
import type { KeyRing } from '../core/token/keys'
import { TokenVerifier } from '../core/token/verifier'
import { VerifiedPasswords } from '../core/verified-passwords'
import { OidcProvider } from './sso/provider'

/** Everything the app needs from its runtime. Each entry builds one and calls createApp. */
export interface Services {
  config: AppConfig
  state: StateStore
  objects: ObjectStore
  keys: KeyRing
  verifier: TokenVerifier
  /** The trusted OpenID provider, when OIDC_ISSUER is set (docs/sso.md). */
  sso: OidcProvider | null
  clock: Clock
  limiter: FailureLimiter
  /** Link passwords already found right, so that resumes and parallel connections skip the slow hash. */
  linkPasswords: VerifiedPasswords
  /** SHA-256 (hex) of the bootstrap ADMIN_API_KEY. */
  adminKeyHash: string
  /** The caller's address, for the failure limiter. */
  clientAddress(c: Context): string
  /** Keeps bookkeeping alive after the response is sent (Workers: waitUntil). */
  defer(c: Context, work: Promise<unknown>): void
  log(message: string, fields?: Record<string, unknown>): void
}

export interface AppEnv {
  /** Who is calling: set on /api/v1 by the authenticators (src/http/auth/). */
  Variables: { principal: Principal }
}

/** The parts each runtime supplies; the rest is derived the same way everywhere. */
export type RuntimeParts = Omit<Services, 'verifier' | 'sso' | 'limiter' | 'linkPasswords' | 'clock'> & { clock?: Clock }

export function assembleServices(parts: RuntimeParts): Services {
  const clock = parts.clock ?? systemClock
  return {
    ...parts,
    clock,
    verifier: new TokenVerifier(parts.keys),
    sso: parts.config.oidc ? new OidcProvider(parts.config.oidc, () => clock.now()) : null,
    limiter: new FailureLimiter(parts.config.rateLimit, clock),
    linkPasswords: new VerifiedPasswords(),
  }
}
