import { ConfigError } from './errors'

/** Settings shared by both runtimes (API.md, "Configuration"), already checked. */
export interface AppConfig {
  /** Origin used to build links; when absent (Workers) the request's own origin. */
  publicUrl: string | null
  maxUploadBytes: number
  /** Seconds. */
  maxLinkTtl: number
  /** Seconds. */
  resumeGrace: number
  /** Failed attempts per client address per minute; 0 disables. */
  rateLimit: number
  s3: S3Settings | null
}

export interface S3Settings {
  bucket: string
  region: string
  endpoint?: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle: boolean
}

export type Settings = Record<string, string | undefined>

function present(env: Settings, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === '' ? undefined : value
}

export function readInteger(env: Settings, name: string, fallback: number, min = 0): number {
  const text = present(env, name)
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(name, `must be a whole number of at least ${min}, got "${text}"`)
  }
  return value
}

function readBoolean(env: Settings, name: string, fallback: boolean): boolean {
  const text = present(env, name)?.toLowerCase()
  if (text === undefined) return fallback
  if (['1', 'true', 'yes'].includes(text)) return true
  if (['0', 'false', 'no'].includes(text)) return false
  throw new ConfigError(name, `must be true or false, got "${text}"`)
}

export function readPublicUrl(env: Settings, fallback: string | null): string | null {
  const text = present(env, 'PUBLIC_URL')
  if (text === undefined) return fallback
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError('PUBLIC_URL', `is not a URL: "${text}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', 'must be an http:// or https:// URL')
  }
  if (url.search || url.hash) throw new ConfigError('PUBLIC_URL', 'must not have a query or fragment')
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function readS3(env: Settings): S3Settings | null {
  const bucket = present(env, 'S3_BUCKET')
  if (bucket === undefined) return null
  const endpoint = present(env, 'S3_ENDPOINT')
  if (endpoint !== undefined) {
    try {
      new URL(endpoint)
    } catch {
      throw new ConfigError('S3_ENDPOINT', `is not a URL: "${endpoint}"`)
    }
  }
  const accessKeyId = present(env, 'S3_ACCESS_KEY_ID')
  const secretAccessKey = present(env, 'S3_SECRET_ACCESS_KEY')
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(accessKeyId === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY', 'set both S3 credentials or neither')
  }
  return {
    bucket,
    region: present(env, 'S3_REGION') ?? 'us-east-1',
    endpoint,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: readBoolean(env, 'S3_FORCE_PATH_STYLE', false),
  }
}

const GIB = 1024 ** 3

const ADMIN_KEY_PATTERN = /^[\x21-\x7e]{16,256}$/

/**
 * ADMIN_API_KEY, checked alike on both runtimes; null when unset (Node then
 * generates one, Workers refuses to serve). The message never echoes the key.
 */
export function readAdminApiKey(env: Settings): string | null {
  const key = present(env, 'ADMIN_API_KEY') ?? null
  if (key !== null && !ADMIN_KEY_PATTERN.test(key)) {
    throw new ConfigError('ADMIN_API_KEY', 'must be 16 to 256 visible ASCII characters')
  }
  return key
}

/** Reads and checks the shared settings; throws ConfigError naming the first bad one. */
export function readAppConfig(env: Settings, defaultPublicUrl: string | null): AppConfig {
  return {
    publicUrl: readPublicUrl(env, defaultPublicUrl),
    maxUploadBytes: readInteger(env, 'MAX_UPLOAD_BYTES', 5 * GIB, 1),
    maxLinkTtl: readInteger(env, 'MAX_LINK_TTL', 30 * 86400, 1),
    resumeGrace: readInteger(env, 'RESUME_GRACE', 3600),
    rateLimit: readInteger(env, 'RATE_LIMIT', 120),
    s3: readS3(env),
  }
}
