import type { SqlValue } from '../../src/adapters/sql'
import type { SignatureTally } from './sigv4-proxy'

/**
 * A running fuselink as the suites see it: a base URL, an admin key, and a
 * few hooks into its storage for what the API cannot do by itself (placing
 * an object to import, losing one behind the service's back, reading the
 * ledger under the counters).
 */
export interface ServiceTarget {
  name: string
  baseUrl: string
  adminKey: string
  /** Puts an object straight into the service's storage. */
  putObject(key: string, body: Uint8Array, contentType?: string): Promise<void>
  /** Removes an object behind the service's back. */
  removeObject(key: string): Promise<void>
  /** Every object key in its storage (on disk, an upload's staging files too), sorted. */
  listObjects(): Promise<string[]>
  /** Multipart uploads the service's storage holds unfinished (S3 ListMultipartUploads; on disk, the staging directories). */
  pendingMultipart(): Promise<string[]>
  /**
   * On an S3 target, what the SigV4-verifying proxy in front of s3rver has
   * verified and refused (test/support/sigv4-proxy.ts): every S3 request of
   * the service and of these hooks goes through it. `stop()` fails when it
   * refused any.
   */
  signatures?: SignatureTally
  /** The process id of the server, where it is one process of its own (Node), for /proc figures. */
  pid?: number
  /** Reads the service's own database (SQLite file or local D1) while it runs. */
  query<T>(sql: string, params?: SqlValue[]): Promise<T[]>
  /** Everything the service has written to its log (stdout and stderr, or the Worker's console) since it first started. */
  log(): string
  /**
   * The setup link its operator got at the last start (`SETUP_URL=`, printed
   * while no user exists), or null when none was given. On the Worker, which
   * cannot print, the one `npm run dev:worker` would print.
   */
  setupUrl(): string | null
  /**
   * Stops and starts the service on the same state (persistence); `env`
   * changes settings for this and later starts (an empty string unsets one),
   * as an operator does when rotating keys.
   */
  restart(env?: Record<string, string>): Promise<void>
  stop(): Promise<void>
}

export interface TargetOptions {
  /** Extra settings (README, "Configuration"), e.g. RESUME_GRACE or RATE_LIMIT. */
  env?: Record<string, string>
  /**
   * S3 targets only: whether s3rver sits behind the SigV4-verifying proxy
   * (test/support/sigv4-proxy.ts). On unless set to false, which only the
   * bench does: the proxy buffers request bodies and adds a hop.
   */
  verifySignatures?: boolean
}

export type TargetFactory = (options?: TargetOptions) => Promise<ServiceTarget>

/**
 * A runtime and store a suite runs against, known when the suite is defined
 * (so a test that cannot run there is skipped by name, not started).
 */
export interface TargetKind {
  /** As test names show it: node+disk, node+s3, workers+d1+s3. */
  name: string
  runtime: 'node' | 'workers'
  start: TargetFactory
}
