/**
 * A running fuselink as the contract suite sees it: a base URL, an admin key,
 * and a few hooks into its storage for what the API cannot do by itself
 * (placing an object to import, losing one behind the service's back).
 */
export interface ServiceTarget {
  name: string
  baseUrl: string
  adminKey: string
  /** Puts an object straight into the service's storage. */
  putObject(key: string, body: Uint8Array, contentType?: string): Promise<void>
  /** Removes an object behind the service's back. */
  removeObject(key: string): Promise<void>
  /** Stops and starts the service on the same state (persistence). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface TargetOptions {
  /** Extra settings (API.md names), e.g. RESUME_GRACE or RATE_LIMIT. */
  env?: Record<string, string>
}

export type TargetFactory = (options?: TargetOptions) => Promise<ServiceTarget>
