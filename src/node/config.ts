import { type AppConfig, appConfig } from '../core/config'
import { readSettings, type SettingSource } from '../core/settings'

export interface NodeConfig extends AppConfig {
  port: number
  host: string
  dataDir: string
  adminApiKey: string | null
  tokenSigningKey: string | null
  tokenVerifyKeys: string | null
  setupTtl: number
}

/** Node's settings (src/core/settings.ts): the app's, the listener, DATA_DIR and the keys, each optional. */
export function readNodeConfig(env: SettingSource): NodeConfig {
  const values = readSettings(env, 'node')
  return {
    ...appConfig(values, `http://localhost:${values.port}`),
    port: values.port,
    host: values.host,
    dataDir: values.dataDir,
    adminApiKey: values.adminApiKey,
    tokenSigningKey: values.tokenSigningKey,
    tokenVerifyKeys: values.tokenVerifyKeys,
    setupTtl: values.setupTtl,
  }
}
