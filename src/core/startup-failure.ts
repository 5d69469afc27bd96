import { ConfigError } from './errors'
import { maskSecrets } from './log'

/**
 * The one line an operator reads when fuselink cannot start (a Node process
 * exits with it, a Worker logs it before refusing the request). A
 * ConfigError names the setting, and no secret value given is shown.
 */
export function startupFailureLine(error: unknown, secrets: readonly string[] = []): string {
  const reason =
    error instanceof ConfigError
      ? `bad configuration: ${error.message}`
      : `failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
  return maskSecrets(`fuselink: ${reason}`.replace(/\s*\n\s*/g, ' '), secrets)
}
