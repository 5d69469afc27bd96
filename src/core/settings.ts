import { ConfigError } from './errors'
import { ADDRESS_PRIVACY, type AddressPrivacy } from './events/model'
import { DEFAULT_RECEIVER_POLICY, parseReceiverPolicy } from './webhooks/receivers'

/*
 * Every setting fuselink reads, defined once: its name, who reads it, how its
 * text is parsed, its default and what it means. The Node config, the
 * Worker's settings and `npm run dev:worker` read through this table, and
 * test/core/settings.test.ts checks the README's configuration table and
 * wrangler.toml against it. Adding a setting is adding a row: a row of
 * scope 'app' appears as `services.config.<key>` on both runtimes.
 */

export type Runtime = 'node' | 'workers'

/** Where settings come from: process.env on Node, the Worker's env (vars, secrets, bindings). */
export type SettingSource = Readonly<Record<string, unknown>>

export interface Setting<T> {
  /** The environment variable on Node; the var or secret on Workers. */
  name: string
  /** 'app': the HTTP app reads it (services.config); 'entry': the runtime's wiring does (listener, keys, storage). */
  scope: 'app' | 'entry'
  runtimes: Runtime | 'both'
  /** Never echoed in a message or a log; on Workers a `wrangler secret`, never a [vars] entry. */
  secret: boolean
  /** A runtime that refuses to serve while it is unset (a Worker has nowhere to keep generated keys). */
  requiredOn?: Runtime
  /** One line for the README's configuration table. */
  meaning: string
  /** The default as the README states it. */
  shownDefault: string
  /** The value when the setting is unset or blank. */
  fallback: T
  /** Text (trimmed, never empty) to value; throws ConfigError naming the setting, never quoting a secret. */
  parse(text: string, name: string): T
}

/** A row, its literal parts (scope, requiredOn) kept in its type, its parser and fallback of one type. */
function setting<T, const R extends Setting<T>>(row: R & Setting<T>): R {
  return row
}

function text(value: string): string {
  return value
}

function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string, name: string): number => {
    const value = Number(text)
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new ConfigError(name, `must be a whole number of at least ${min}, got "${text}"`)
    }
    if (value > max) throw new ConfigError(name, `must be at most ${max}, got ${value}`)
    return value
  }
}

function boolean(text: string, name: string): boolean {
  const value = text.toLowerCase()
  if (['1', 'true', 'yes'].includes(value)) return true
  if (['0', 'false', 'no'].includes(value)) return false
  throw new ConfigError(name, `must be true or false, got "${value}"`)
}

function url(text: string, name: string): string {
  try {
    new URL(text)
  } catch {
    throw new ConfigError(name, `is not a URL: "${text}"`)
  }
  return text
}

function publicUrl(text: string, name: string): string {
  const parsed = new URL(url(text, name))
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, 'must be an http:// or https:// URL')
  }
  if (parsed.search || parsed.hash) throw new ConfigError(name, 'must not have a query or fragment')
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '')
}

/** An http(s) URL kept exactly as written: an OpenID issuer is compared as a string, trailing slash and all. */
function publicUrlText(text: string, name: string): string {
  const parsed = new URL(url(text, name))
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, 'must be an http:// or https:// URL')
  }
  if (parsed.search || parsed.hash) throw new ConfigError(name, 'must not have a query or fragment')
  return text
}

function boundedText(max: number) {
  return (text: string, name: string): string => {
    if (text.length > max) throw new ConfigError(name, `must be at most ${max} characters`)
    return text
  }
}

const ADMIN_KEY_PATTERN = /^[\x21-\x7e]{16,256}$/

function credential(text: string, name: string): string {
  if (!ADMIN_KEY_PATTERN.test(text)) throw new ConfigError(name, 'must be 16 to 256 visible ASCII characters')
  return text
}

function addressPrivacy(text: string, name: string): AddressPrivacy {
  const value = text.toLowerCase() as AddressPrivacy
  if (!ADDRESS_PRIVACY.includes(value)) throw new ConfigError(name, `must be ${ADDRESS_PRIVACY.join(', ')}, got "${text}"`)
  return value
}

const MIB = 1024 ** 2
const GIB = 1024 ** 3

/** The table, in the order settings are checked and listed. Keys are the fields the values land in. */
export const SETTINGS = {
  port: setting({
    name: 'PORT',
    scope: 'entry',
    runtimes: 'node',
    secret: false,
    meaning: 'port the Node entry listens on',
    shownDefault: '`8787`',
    fallback: 8787,
    parse: wholeNumber(0, 65535),
  }),
  host: setting({
    name: 'HOST',
    scope: 'entry',
    runtimes: 'node',
    secret: false,
    meaning: 'address the Node entry listens on',
    shownDefault: '`127.0.0.1`',
    fallback: '127.0.0.1',
    parse: text,
  }),
  dataDir: setting({
    name: 'DATA_DIR',
    scope: 'entry',
    runtimes: 'node',
    secret: false,
    meaning: 'SQLite file, local objects, generated signing key',
    shownDefault: '`./data`',
    fallback: './data',
    parse: text,
  }),
  publicUrl: setting({
    name: 'PUBLIC_URL',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    requiredOn: 'workers',
    meaning: 'origin used to build links and named by the API document',
    shownDefault: 'Node: `http://localhost:$PORT`',
    fallback: null,
    parse: publicUrl,
  }),
  adminApiKey: setting({
    name: 'ADMIN_API_KEY',
    scope: 'entry',
    runtimes: 'both',
    secret: true,
    requiredOn: 'workers',
    meaning: 'bootstrap admin credential (16–256 visible ASCII characters)',
    shownDefault: 'Node: generated on first start, printed once',
    fallback: null,
    parse: credential,
  }),
  tokenSigningKey: setting({
    name: 'TOKEN_SIGNING_KEY',
    scope: 'entry',
    runtimes: 'both',
    secret: true,
    requiredOn: 'workers',
    meaning: 'private JWK (Ed25519 `OKP` or P-256 `EC`, with `kid`) when it starts with `{`, else an HS256 secret of ≥ 32 bytes',
    shownDefault: 'Node: an Ed25519 key generated into `DATA_DIR/signing-key.json`',
    fallback: null,
    parse: text,
  }),
  tokenVerifyKeys: setting({
    name: 'TOKEN_VERIFY_KEYS',
    scope: 'entry',
    runtimes: 'both',
    // Holds the earlier HS256 secrets too, when there were any.
    secret: true,
    meaning: 'JWKS of earlier keys still accepted (rotation); `oct` keys for earlier HS256 secrets',
    shownDefault: 'none',
    fallback: null,
    parse: text,
  }),
  s3Bucket: setting({
    name: 'S3_BUCKET',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    requiredOn: 'workers',
    meaning: 'bucket of an S3-compatible storage; the `S3_*` settings apply only when it is set',
    shownDefault: 'Node: unset, objects in `DATA_DIR/objects`',
    fallback: null,
    parse: text,
  }),
  s3Endpoint: setting({
    name: 'S3_ENDPOINT',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: 'endpoint URL of the S3-compatible service (R2, MinIO, …)',
    shownDefault: 'AWS S3',
    fallback: null,
    parse: url,
  }),
  s3Region: setting({
    name: 'S3_REGION',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: 'region of the bucket (`auto` for R2)',
    shownDefault: '`us-east-1`',
    fallback: 'us-east-1',
    parse: text,
  }),
  s3AccessKeyId: setting({
    name: 'S3_ACCESS_KEY_ID',
    scope: 'entry',
    runtimes: 'both',
    secret: true,
    requiredOn: 'workers',
    meaning: 'access key id of the S3 credentials (set both or neither)',
    shownDefault: "Node: the AWS SDK's default credentials",
    fallback: null,
    parse: text,
  }),
  s3SecretAccessKey: setting({
    name: 'S3_SECRET_ACCESS_KEY',
    scope: 'entry',
    runtimes: 'both',
    secret: true,
    requiredOn: 'workers',
    meaning: 'secret access key of the S3 credentials (set both or neither)',
    shownDefault: "Node: the AWS SDK's default credentials",
    fallback: null,
    parse: text,
  }),
  s3ForcePathStyle: setting({
    name: 'S3_FORCE_PATH_STYLE',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: 'path-style bucket addressing, which most S3-compatible servers need (`true`/`false`)',
    shownDefault: '`false`',
    fallback: false,
    parse: boolean,
  }),
  maxUploadBytes: setting({
    name: 'MAX_UPLOAD_BYTES',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'largest file, whether sent in one request or in parts (`/api/v1/uploads`)',
    shownDefault: '5 GiB',
    fallback: 5 * GIB,
    parse: wholeNumber(1),
  }),
  maxLinkTtl: setting({
    name: 'MAX_LINK_TTL',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'longest link lifetime in seconds; longer is refused, not clamped',
    shownDefault: '2592000 (30 days)',
    fallback: 30 * 86400,
    parse: wholeNumber(1),
  }),
  resumeGrace: setting({
    name: 'RESUME_GRACE',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'seconds after expiry during which a transfer that started before it may resume',
    shownDefault: '3600',
    fallback: 3600,
    parse: wholeNumber(0),
  }),
  sessionTtl: setting({
    name: 'SESSION_TTL',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'seconds a sign-in lasts before signing in again is needed',
    shownDefault: '604800 (7 days)',
    fallback: 7 * 86400,
    parse: wholeNumber(60),
  }),
  inviteTtl: setting({
    name: 'INVITE_TTL',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'seconds an invite link (`POST /api/v1/users` without a password) stays usable',
    shownDefault: '604800 (7 days)',
    fallback: 7 * 86400,
    parse: wholeNumber(1),
  }),
  setupTtl: setting({
    name: 'SETUP_TTL',
    scope: 'entry',
    runtimes: 'node',
    secret: false,
    meaning: 'seconds the `SETUP_URL` printed at start, while no user exists, stays usable',
    shownDefault: '3600',
    fallback: 3600,
    parse: wholeNumber(1),
  }),
  rateLimit: setting({
    name: 'RATE_LIMIT',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'failed attempts (bad tokens, bad keys) per client address per minute before 429; `0` disables',
    shownDefault: '120',
    fallback: 120,
    parse: wholeNumber(0),
  }),
  eventAddress: setting({
    name: 'EVENT_ADDRESS',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: "how much of a client's address a link's events keep: `off`, `truncated` (IPv4 /24, IPv6 /48) or `full`",
    shownDefault: '`truncated`',
    fallback: 'truncated' as AddressPrivacy,
    parse: addressPrivacy,
  }),
  eventRetention: setting({
    name: 'EVENT_RETENTION',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: "days a link's events and finished webhook deliveries are kept",
    shownDefault: '90',
    fallback: 90,
    parse: wholeNumber(1, 36500),
  }),
  webhookAllowedHosts: setting({
    name: 'WEBHOOK_ALLOWED_HOSTS',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'where webhooks may go: `external` (public addresses), `loopback`, `private`, `*`, host names, CIDRs (comma list)',
    shownDefault: '`external`',
    fallback: DEFAULT_RECEIVER_POLICY,
    parse: parseReceiverPolicy,
  }),
  sweepInterval: setting({
    name: 'SWEEP_INTERVAL',
    scope: 'entry',
    runtimes: 'node',
    secret: false,
    meaning: "seconds between the Node entry's sweeps (transfers cut off, expired uploads); the Worker's cron runs every minute",
    shownDefault: '60',
    fallback: 60,
    parse: wholeNumber(1, 86400),
  }),
  uploadTtl: setting({
    name: 'UPLOAD_TTL',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'seconds an unfinished upload in parts is kept; then it answers 410 and its parts are removed',
    shownDefault: '86400 (24 hours)',
    fallback: 86400,
    parse: wholeNumber(1),
  }),
  uploadPartSize: setting({
    name: 'UPLOAD_PART_SIZE',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'bytes per part of an upload in parts (5–64 MiB); larger files get larger parts, to stay within 10,000',
    shownDefault: '16777216 (16 MiB)',
    fallback: 16 * MIB,
    parse: wholeNumber(5 * MIB, 64 * MIB),
  }),
  maxUploadsInFlight: setting({
    name: 'MAX_UPLOADS_IN_FLIGHT',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'unfinished uploads in parts one owner (or one upload request) may hold at once; more is 409',
    shownDefault: '20',
    fallback: 20,
    parse: wholeNumber(1),
  }),
  uploadRequestRate: setting({
    name: 'UPLOAD_REQUEST_RATE',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'uploads started through upload requests per client address per minute before 429; `0` disables',
    shownDefault: '60',
    fallback: 60,
    parse: wholeNumber(0),
  }),
  oidcIssuer: setting({
    name: 'OIDC_ISSUER',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: 'issuer URL of the trusted OpenID provider, exactly as it names itself (docs/sso.md); SSO is off while unset',
    shownDefault: 'unset',
    fallback: null,
    parse: publicUrlText,
  }),
  oidcAudience: setting({
    name: 'OIDC_AUDIENCE',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: "the provider's bearer JWTs with this `aud` are accepted on `/api/v1`",
    shownDefault: 'unset: no bearer JWTs',
    fallback: null,
    parse: boundedText(1024),
  }),
  oidcClientId: setting({
    name: 'OIDC_CLIENT_ID',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: 'client id of the web app at the provider; shows "Sign in with …" (authorization code flow with PKCE)',
    shownDefault: 'unset: no SSO button',
    fallback: null,
    parse: boundedText(256),
  }),
  oidcClientSecret: setting({
    name: 'OIDC_CLIENT_SECRET',
    scope: 'entry',
    runtimes: 'both',
    secret: true,
    meaning: "the client's secret (needed with `OIDC_CLIENT_ID`)",
    shownDefault: 'unset',
    fallback: null,
    parse: boundedText(1024),
  }),
  oidcRoleClaim: setting({
    name: 'OIDC_ROLE_CLAIM',
    scope: 'entry',
    runtimes: 'both',
    secret: false,
    meaning: 'claim naming the role (a string or an array; a dotted path reaches a nested one); `admin` in it means admin, else user',
    shownDefault: '`role`',
    fallback: 'role',
    parse: boundedText(256),
  }),
  drainTimeout: setting({
    name: 'DRAIN_TIMEOUT',
    scope: 'entry',
    runtimes: 'node',
    secret: false,
    meaning: 'seconds a stopping Node server (SIGTERM, SIGINT) lets transfers in flight finish before it cuts them and exits',
    shownDefault: '20',
    fallback: 20,
    parse: wholeNumber(0, 3600),
  }),
  metricsToken: setting({
    name: 'METRICS_TOKEN',
    scope: 'app',
    runtimes: 'node',
    secret: true,
    meaning: 'bearer credential of `GET /metrics` (16–256 visible ASCII characters); unset, `/metrics` answers 404',
    shownDefault: 'unset',
    fallback: null,
    parse: credential,
  }),
  stallTimeout: setting({
    name: 'STALL_TIMEOUT',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'seconds a download may wait on a client that reads nothing, or on storage that sends nothing, before it is broken off',
    shownDefault: '60',
    fallback: 60,
    parse: wholeNumber(1),
  }),
  maxTransfersPerLink: setting({
    name: 'MAX_TRANSFERS_PER_LINK',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'downloads of one link streaming at once; past it 429 (on Workers, per isolate)',
    shownDefault: '32',
    fallback: 32,
    parse: wholeNumber(1),
  }),
  maxTransfersPerAddress: setting({
    name: 'MAX_TRANSFERS_PER_ADDRESS',
    scope: 'app',
    runtimes: 'both',
    secret: false,
    meaning: 'downloads streaming at once to one client address; past it 429 (on Workers, per isolate)',
    shownDefault: '64',
    fallback: 64,
    parse: wholeNumber(1),
  }),
}

type Table = typeof SETTINGS
export type SettingKey = keyof Table
export type SettingRow = Setting<unknown> & { key: SettingKey }

/** Every setting's value, parsed or its fallback. */
export type SettingValues = { [K in SettingKey]: ReturnType<Table[K]['parse']> | Table[K]['fallback'] }

/** The keys of the settings the HTTP app reads. */
export type AppSettingKey = { [K in SettingKey]: Table[K]['scope'] extends 'app' ? K : never }[SettingKey]

type RequiredKey<R extends Runtime> = { [K in SettingKey]: Table[K] extends { requiredOn: R } ? K : never }[SettingKey]

/** The values once every setting `R` requires is known to be set. */
export type RequiredValues<R extends Runtime> = SettingValues & { [K in RequiredKey<R>]: NonNullable<SettingValues[K]> }

/** The table as a list, in its order. */
export const SETTING_LIST: readonly SettingRow[] = Object.entries(SETTINGS).map(([key, row]) => ({
  ...(row as Setting<unknown>),
  key: key as SettingKey,
}))

/** The names a runtime reads. */
export function namesReadBy(runtime: Runtime): string[] {
  return SETTING_LIST.filter((row) => readsIt(row, runtime)).map((row) => row.name)
}

function readsIt(row: Setting<unknown>, runtime: Runtime): boolean {
  return row.runtimes === 'both' || row.runtimes === runtime
}

/**
 * A setting's text: strings trimmed, blank as unset. Unquoted [vars] of
 * wrangler.toml reach a Worker as numbers or booleans, read as they print.
 */
function textOf(source: SettingSource, name: string): string | undefined {
  const value = source[name]
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
  return text === '' ? undefined : text
}

/**
 * Reads and checks every setting `runtime` reads, in the table's order; the
 * others keep their fallback. Throws ConfigError naming the first bad one.
 */
export function readSettings(source: SettingSource, runtime: Runtime): SettingValues {
  const values: Record<string, unknown> = {}
  for (const row of SETTING_LIST) {
    const text = readsIt(row, runtime) ? textOf(source, row.name) : undefined
    values[row.key] = text === undefined ? row.fallback : row.parse(text, row.name)
  }
  return values as SettingValues
}

/** The values, once every setting `runtime` requires is set; else the error `missing` makes for the first unset one. */
export function requireSettings<R extends Runtime>(
  values: SettingValues,
  runtime: R,
  missing: (row: SettingRow) => Error,
): RequiredValues<R> {
  for (const row of SETTING_LIST) {
    if (row.requiredOn === runtime && values[row.key] === null) throw missing(row)
  }
  return values as RequiredValues<R>
}

/** The values of the secret settings that are set, so a log or a failure line can mask them. */
export function secretValues(source: SettingSource): string[] {
  return SETTING_LIST.flatMap((row) => {
    const text = row.secret ? textOf(source, row.name) : undefined
    return text === undefined ? [] : [text]
  })
}
