import type { Context } from 'hono'
import { type Clock, systemClock } from '../core/clock'
import type { AppConfig } from '../core/config'
import type { ErrorCode } from '../core/errors'
import type { MeteredBody } from '../core/http/metered-stream'
import { LiveTransfers } from '../core/link/live-transfers'
import { Metrics } from '../core/metrics'
import type { Principal } from '../core/model'
import type { EventStore, ObjectStore, StateStore, WebhookStore, WebhookTransport } from '../core/ports'
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
  /** Counters served at GET /metrics (Node). */
  metrics: Metrics
  /** Downloads streaming now, within MAX_TRANSFERS_PER_LINK and MAX_TRANSFERS_PER_ADDRESS. */
  live: LiveTransfers
  /** Link passwords already found right, so that resumes and parallel connections skip the slow hash. */
  linkPasswords: VerifiedPasswords
  /** Uploads started through upload requests, per client address (UPLOAD_REQUEST_RATE). */
  uploadLimiter: FailureLimiter
  /** SHA-256 (hex) of the bootstrap ADMIN_API_KEY. */
  adminKeyHash: string
  /** SHA-256 (hex) of a secret (an API key, the metrics token), synchronously: what is stored and compared of a key. */
  hashSecret(secret: string): string
  /** The caller's address, for the failure limiter. */
  clientAddress(c: Context): string
  /** Keeps bookkeeping alive after the response is sent (Workers: waitUntil). */
  defer(c: Context, work: Promise<unknown>): void
  /** The links' audit events (and the webhook messages they queue). */
  events: EventStore
  webhooks: WebhookStore
  /** Resolves receivers' host names and sends deliveries: node:http on Node, fetch on Workers. */
  webhookTransport: WebhookTransport
  /** Starts sending queued webhook messages now, off the response path (Node: the delivery loop; Workers: waitUntil). */
  sendWebhooks(c: Context): void
  /**
   * Where the runtime can write a streamed body to the client itself, without
   * the web stream of the Response (Node, src/node/direct-bodies.ts): the
   * route offers the body it answers with, and the entry takes it once the
   * app's middleware has finished the headers. Absent on Workers.
   */
  offerDirect?(c: Context, body: MeteredBody): void
  log(message: string, fields?: Record<string, unknown>): void
}

export interface AppEnv {
  Variables: {
    /** Who is calling: set on /api/v1 by the authenticators (src/http/auth/). */
    principal: Principal
    /** This request's id (X-Request-Id, and its log line). */
    requestId: string
    /** The code of the problem it was answered with, if any. */
    problem: ErrorCode
    /** For a streamed download: the bytes its body really sent, once it has ended. */
    bodyBytes: Promise<number>
  }
}

/** The parts each runtime supplies; the rest is derived the same way everywhere. */
export type RuntimeParts = Omit<
  Services,
  'verifier' | 'sso' | 'limiter' | 'uploadLimiter' | 'metrics' | 'live' | 'linkPasswords' | 'clock'
> & {
  clock?: Clock
}

export function assembleServices(parts: RuntimeParts): Services {
  const clock = parts.clock ?? systemClock
  return {
    ...parts,
    clock,
    verifier: new TokenVerifier(parts.keys),
    sso: parts.config.oidc ? new OidcProvider(parts.config.oidc, () => clock.now()) : null,
    limiter: new FailureLimiter(parts.config.rateLimit, clock),
    metrics: new Metrics(),
    live: new LiveTransfers(parts.config.maxTransfersPerLink, parts.config.maxTransfersPerAddress),
    linkPasswords: new VerifiedPasswords(),
    uploadLimiter: new FailureLimiter(parts.config.uploadRequestRate, clock),
  }
}
