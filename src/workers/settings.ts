import type { D1DatabaseLike } from '../adapters/d1-database'
import { type AppConfig, readAdminApiKey, readAppConfig, type S3Settings, type Settings } from '../core/config'
import { ConfigError } from '../core/errors'

/** Vars and secrets of the Worker, under the names of API.md ("Configuration"). */
export interface WorkerVars {
  ADMIN_API_KEY?: string
  TOKEN_SIGNING_KEY?: string
  TOKEN_VERIFY_KEYS?: string
  S3_BUCKET?: string
  S3_ENDPOINT?: string
  S3_REGION?: string
  S3_ACCESS_KEY_ID?: string
  S3_SECRET_ACCESS_KEY?: string
  S3_FORCE_PATH_STYLE?: string | boolean
  PUBLIC_URL?: string
  MAX_UPLOAD_BYTES?: string | number
  MAX_LINK_TTL?: string | number
  RESUME_GRACE?: string | number
  RATE_LIMIT?: string | number
}

/** Everything the Worker is given: its bindings, vars and secrets. */
export interface Env extends WorkerVars {
  DB?: D1DatabaseLike
}

/** What the Worker's vars and secrets must give before it may serve, every part present and checked. */
export interface WorkerConfig {
  config: AppConfig & { s3: S3Settings & { accessKeyId: string; secretAccessKey: string } }
  adminApiKey: string
  tokenSigningKey: string
  tokenVerifyKeys: string | null
}

export interface WorkerSettings extends WorkerConfig {
  db: D1DatabaseLike
}

const NAMES = [
  'ADMIN_API_KEY',
  'TOKEN_SIGNING_KEY',
  'TOKEN_VERIFY_KEYS',
  'S3_BUCKET',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'PUBLIC_URL',
  'MAX_UPLOAD_BYTES',
  'MAX_LINK_TTL',
  'RESUME_GRACE',
  'RATE_LIMIT',
] as const

/**
 * [vars] written unquoted in wrangler.toml arrive as numbers or booleans, not
 * strings; the shared readers take the text either way would print.
 */
function asSettings(env: WorkerVars): Settings {
  const settings: Settings = {}
  for (const name of NAMES) {
    const value: unknown = env[name]
    if (typeof value === 'string') settings[name] = value
    else if (typeof value === 'number' || typeof value === 'boolean') settings[name] = String(value)
  }
  return settings
}

function missing(name: string): ConfigError {
  return new ConfigError(name, `is not set: run \`wrangler secret put ${name}\` (see wrangler.toml)`)
}

/**
 * Reads the Worker's vars and secrets. Unlike Node, a Worker has nowhere to
 * keep generated secrets and no local directory to fall back on, so the
 * admin key, the signing key and the bucket with its credentials are all
 * required. Throws ConfigError naming the first missing or bad setting,
 * never its value.
 */
export function readWorkerConfig(vars: WorkerVars): WorkerConfig {
  const settings = asSettings(vars)
  const adminApiKey = readAdminApiKey(settings)
  if (adminApiKey === null) throw missing('ADMIN_API_KEY')
  const tokenSigningKey = settings.TOKEN_SIGNING_KEY?.trim()
  if (!tokenSigningKey) throw missing('TOKEN_SIGNING_KEY')
  if (!settings.S3_BUCKET?.trim()) {
    throw new ConfigError('S3_BUCKET', 'is not set: Workers keep files in an S3-compatible bucket (set S3_BUCKET in [vars])')
  }
  // A Worker has no ambient AWS credentials (no instance role, no ~/.aws).
  if (!settings.S3_ACCESS_KEY_ID?.trim()) throw missing('S3_ACCESS_KEY_ID')
  if (!settings.S3_SECRET_ACCESS_KEY?.trim()) throw missing('S3_SECRET_ACCESS_KEY')
  // Without PUBLIC_URL, links are built on the origin each request came to.
  const config = readAppConfig(settings, null)
  const { accessKeyId, secretAccessKey } = config.s3 ?? {}
  if (!config.s3 || !accessKeyId || !secretAccessKey) throw new ConfigError('S3_BUCKET', 'the S3 settings could not be read')
  return {
    config: { ...config, s3: { ...config.s3, accessKeyId, secretAccessKey } },
    adminApiKey,
    tokenSigningKey,
    tokenVerifyKeys: settings.TOKEN_VERIFY_KEYS?.trim() || null,
  }
}

/** The vars and secrets checked, and the D1 binding present. */
export function readWorkerSettings(env: Env): WorkerSettings {
  if (!env.DB) throw new ConfigError('DB', 'the D1 binding is missing: add [[d1_databases]] binding = "DB" to wrangler.toml')
  return { db: env.DB, ...readWorkerConfig(env) }
}
