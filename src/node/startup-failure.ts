import { secretValues } from '../core/settings'
import { startupFailureLine } from '../core/startup-failure'

/** Ends a process that could not start with one line saying why (a bad setting is named). */
export function exitOnStartupFailure(error: unknown): never {
  process.stderr.write(`${startupFailureLine(error, secretValues(process.env))}\n`)
  process.exit(1)
}
