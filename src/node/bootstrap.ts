import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256Hex } from '../core/encoding'
import { newApiKeySecret } from '../core/ids'
import type { StateStore } from '../core/ports'
import { buildKeyRing, generateSigningJwk, type KeyRing } from '../core/token/keys'
import type { NodeConfig } from './config'

const SIGNING_KEY_FILE = 'signing-key.json'
const ADMIN_HASH_SETTING = 'bootstrap_admin_key_hash'

/**
 * The signing key: TOKEN_SIGNING_KEY when set, else an Ed25519 key generated
 * on first start and kept (owner-only) in DATA_DIR, so links survive restarts.
 */
export async function loadKeyRing(config: NodeConfig): Promise<KeyRing> {
  if (config.tokenSigningKey !== null) return buildKeyRing(config.tokenSigningKey, config.tokenVerifyKeys)
  const path = join(config.dataDir, SIGNING_KEY_FILE)
  const signingKey = await readFile(path, 'utf8').catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error
    const generated = JSON.stringify(await generateSigningJwk())
    await writeFile(path, generated, { mode: 0o600, flag: 'wx' })
    return generated
  })
  return buildKeyRing(signingKey, config.tokenVerifyKeys, path)
}

/**
 * The hash of the bootstrap admin key. From ADMIN_API_KEY when set; otherwise
 * one is generated on first start, only its hash is kept, and the key itself
 * is printed exactly once as `ADMIN_API_KEY=<key>`.
 */
export async function loadAdminKeyHash(config: NodeConfig, state: StateStore, print: (line: string) => void): Promise<string> {
  if (config.adminApiKey !== null) return sha256Hex(config.adminApiKey)
  const stored = await state.getSetting(ADMIN_HASH_SETTING)
  if (stored !== null) return stored
  const key = newApiKeySecret()
  const hash = await sha256Hex(key)
  await state.putSetting(ADMIN_HASH_SETTING, hash)
  print(`ADMIN_API_KEY=${key}`)
  return hash
}
