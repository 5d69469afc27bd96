import { ConfigError } from '../core/errors'

/** Ends a process that could not start with one line saying why (a bad setting is named). */
export function exitOnStartupFailure(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`fuselink: bad configuration: ${error.message}\n`)
  } else {
    process.stderr.write(`fuselink: failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  }
  process.exit(1)
}
