import { type AppConfig, readAdminApiKey, readAppConfig, readInteger, type Settings } from '../core/config'
import { ConfigError } from '../core/errors'

export interface NodeConfig extends AppConfig {
  port: number
  host: string
  dataDir: string
  adminApiKey: string | null
  tokenSigningKey: string | null
  tokenVerifyKeys: string | null
}

/** Node's settings: the shared ones plus the listener and DATA_DIR (API.md, "Configuration"). */
export function readNodeConfig(env: Settings): NodeConfig {
  const port = readInteger(env, 'PORT', 8787)
  if (port > 65535) throw new ConfigError('PORT', `must be at most 65535, got ${port}`)
  const adminApiKey = readAdminApiKey(env)
  return {
    ...readAppConfig(env, `http://localhost:${port}`),
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: env.DATA_DIR?.trim() || './data',
    adminApiKey,
    tokenSigningKey: env.TOKEN_SIGNING_KEY?.trim() || null,
    tokenVerifyKeys: env.TOKEN_VERIFY_KEYS?.trim() || null,
  }
}
