import { ConfigError } from './errors'
import { type AppSettingKey, SETTING_LIST, SETTINGS, type SettingValues } from './settings'

/**
 * What the HTTP app reads as services.config: every setting of scope 'app'
 * in src/core/settings.ts under its key (publicUrl is null on Workers when
 * unset: links are then built on each request's origin), and the storage.
 */
export type AppConfig = Pick<SettingValues, AppSettingKey> & { s3: S3Settings | null; oidc: OidcSettings | null }

/** Single sign-on (docs/sso.md), from the OIDC_* settings: bearer JWTs when `audience` is set, the web app's button when `client` is. */
export interface OidcSettings {
  issuer: string
  audience: string | null
  client: { id: string; secret: string } | null
  roleClaim: string
}

export interface S3Settings {
  bucket: string
  region: string
  endpoint?: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle: boolean
}

function s3Settings(values: SettingValues): S3Settings | null {
  const bucket = values.s3Bucket
  if (bucket === null) return null
  const accessKeyId = values.s3AccessKeyId ?? undefined
  const secretAccessKey = values.s3SecretAccessKey ?? undefined
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const unset = accessKeyId === undefined ? SETTINGS.s3AccessKeyId : SETTINGS.s3SecretAccessKey
    throw new ConfigError(unset.name, 'set both S3 credentials or neither')
  }
  return {
    bucket,
    region: values.s3Region,
    endpoint: values.s3Endpoint ?? undefined,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: values.s3ForcePathStyle,
  }
}

function oidcSettings(values: SettingValues): OidcSettings | null {
  const { oidcIssuer: issuer, oidcAudience: audience, oidcClientId: clientId, oidcClientSecret: clientSecret } = values
  if (issuer === null) {
    const stray = (['oidcAudience', 'oidcClientId', 'oidcClientSecret'] as const).find((key) => values[key] !== null)
    if (stray) throw new ConfigError(SETTINGS[stray].name, `needs ${SETTINGS.oidcIssuer.name}`)
    return null
  }
  if ((clientId === null) !== (clientSecret === null)) {
    const unset = clientId === null ? SETTINGS.oidcClientId : SETTINGS.oidcClientSecret
    throw new ConfigError(unset.name, `set both ${SETTINGS.oidcClientId.name} and ${SETTINGS.oidcClientSecret.name}, or neither`)
  }
  if (audience === null && clientId === null) {
    throw new ConfigError(SETTINGS.oidcIssuer.name, `is set but neither ${SETTINGS.oidcAudience.name} nor ${SETTINGS.oidcClientId.name} is`)
  }
  return {
    issuer,
    audience,
    client: clientId !== null && clientSecret !== null ? { id: clientId, secret: clientSecret } : null,
    roleClaim: values.oidcRoleClaim,
  }
}

/**
 * The app's part of the settings read by readSettings, and the storage they
 * name. Throws ConfigError when the S3 or the OIDC settings do not fit together.
 */
export function appConfig(values: SettingValues & { s3Bucket: string }, defaultPublicUrl: string | null): AppConfig & { s3: S3Settings }
export function appConfig(values: SettingValues, defaultPublicUrl: string | null): AppConfig
export function appConfig(values: SettingValues, defaultPublicUrl: string | null): AppConfig {
  const app: Record<string, unknown> = {}
  for (const row of SETTING_LIST) if (row.scope === 'app') app[row.key] = values[row.key]
  const config = app as Pick<SettingValues, AppSettingKey>
  return { ...config, publicUrl: config.publicUrl ?? defaultPublicUrl, s3: s3Settings(values), oidc: oidcSettings(values) }
}
