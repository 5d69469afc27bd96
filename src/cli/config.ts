import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { LocalError, UsageError } from './exit'

/*
 * Where the CLI finds the service and the key, first match wins
 * (docs/cli.md, "Server and key"):
 *   1. --url and --key
 *   2. FUSELINK_URL and FUSELINK_KEY
 *   3. the config file (FUSELINK_CONFIG, else $XDG_CONFIG_HOME/fuselink/config.json,
 *      else ~/.config/fuselink/config.json), written by `fuselink login`
 *   4. the URL only: http://localhost:8787, where `npm start` listens
 * Each of the two is looked up on its own, so FUSELINK_KEY may go with a
 * URL from the file.
 */

export const DEFAULT_URL = 'http://localhost:8787'

export interface ConfigFile {
  url?: string
  key?: string
}

export interface Server {
  url: string
  key: string | undefined
}

type Env = Record<string, string | undefined>

export function configPath(env: Env): string {
  if (env.FUSELINK_CONFIG) return env.FUSELINK_CONFIG
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(base, 'fuselink', 'config.json')
}

/** The config file, or an empty one when there is none. Refuses a file others may read: it holds a key. */
export function readConfigFile(path: string): ConfigFile {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new LocalError(`cannot read ${path}: ${(error as Error).message}`)
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new LocalError(`${path} may be read by others (mode ${(mode & 0o777).toString(8)}); it holds an API key: chmod 600 ${path}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new LocalError(`cannot read ${path}: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LocalError(`${path} is not a JSON object`)
  const { url, key } = parsed as Record<string, unknown>
  if ((url !== undefined && typeof url !== 'string') || (key !== undefined && typeof key !== 'string')) {
    throw new LocalError(`${path}: "url" and "key" must be strings`)
  }
  return { url, key }
}

/** Writes `value` as JSON owner-only (0600, in a 0700 directory), replacing the file whole; throws what fs throws. */
export function writePrivateJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, path)
}

/** Writes the config file owner-only (0600, in a 0700 directory), replacing it whole. */
export function writeConfigFile(path: string, config: ConfigFile): void {
  try {
    writePrivateJson(path, config)
  } catch (error) {
    throw new LocalError(`cannot write ${path}: ${(error as Error).message}`)
  }
}

function checkedUrl(url: string, from: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`${from}: "${url}" is not a URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${from}: the URL must be http:// or https://`)
  return url.replace(/\/+$/, '')
}

/** The service and key to use, by the precedence above; the config file is read only when needed. */
export function resolveServer(flags: { url?: string; key?: string }, env: Env): Server {
  let file: ConfigFile | undefined
  const fromFile = () => {
    file ??= readConfigFile(configPath(env))
    return file
  }
  const url =
    (flags.url && checkedUrl(flags.url, '--url')) ||
    (env.FUSELINK_URL && checkedUrl(env.FUSELINK_URL, 'FUSELINK_URL')) ||
    (fromFile().url && checkedUrl(fromFile().url!, configPath(env))) ||
    DEFAULT_URL
  const key = flags.key || env.FUSELINK_KEY || fromFile().key || undefined
  return { url, key }
}
