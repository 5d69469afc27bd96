import type { D1DatabaseLike } from '../adapters/d1-database'
import { type AppConfig, appConfig, type S3Settings } from '../core/config'
import { ConfigError } from '../core/errors'
import { readSettings, requireSettings, type SettingRow, type SettingSource } from '../core/settings'

/** Everything the Worker is given: its bindings, and its vars and secrets under the names of src/core/settings.ts. */
export interface Env extends SettingSource {
  DB?: D1DatabaseLike
}

/** What the Worker's vars and secrets must give before it may serve, every part present and checked. */
export interface WorkerConfig {
  config: AppConfig & { s3: S3Settings }
  adminApiKey: string
  tokenSigningKey: string
  tokenVerifyKeys: string | null
}

export interface WorkerSettings extends WorkerConfig {
  db: D1DatabaseLike
}

function missing(row: SettingRow): ConfigError {
  const remedy = row.secret ? `run \`wrangler secret put ${row.name}\`` : `set ${row.name} in [vars]`
  return new ConfigError(row.name, `is not set: ${remedy} (see wrangler.toml)`)
}

/**
 * Reads the Worker's vars and secrets. Unlike Node, a Worker has nowhere to
 * keep generated secrets, no local directory to fall back on and no ambient
 * AWS credentials, so the admin key, the signing key, the bucket and its
 * credentials are required (`requiredOn` in the table). PUBLIC_URL too:
 * links built on whatever Host a request named would change with the route
 * it came by (workers.dev or the custom domain), and the origin checks of
 * cookie sessions need one origin to trust (docs/security.md). Throws ConfigError
 * naming the first missing or bad setting, never its value.
 */
export function readWorkerConfig(env: SettingSource): WorkerConfig {
  const values = requireSettings(readSettings(env, 'workers'), 'workers', missing)
  return {
    config: appConfig(values, values.publicUrl),
    adminApiKey: values.adminApiKey,
    tokenSigningKey: values.tokenSigningKey,
    tokenVerifyKeys: values.tokenVerifyKeys,
  }
}

/** The vars and secrets checked, and the D1 binding present. */
export function readWorkerSettings(env: Env): WorkerSettings {
  if (!env.DB) throw new ConfigError('DB', 'the D1 binding is missing: add [[d1_databases]] binding = "DB" to wrangler.toml')
  return { db: env.DB, ...readWorkerConfig(env) }
}
