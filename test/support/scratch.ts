import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/*
 * The one way tests and the bench make temporary directories. Remove one
 * with removeScratch when done with it (objects of tens of MiB pile up
 * otherwise); whatever is left goes when the process exits, signals included.
 */

const made = new Set<string>()

function removeAll(): void {
  for (const dir of made) removeScratch(dir)
}

let registered = false

function removeOnExit(): void {
  if (registered) return
  registered = true
  process.once('exit', removeAll)
  // A signal's default action ends the process without 'exit' handlers (vitest
  // stops its workers with SIGTERM): make it an exit, unless someone else
  // already decides what the signal does.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code))
  }
}

/** A new empty directory `fuselink-<name>-XXXXXX` under the system's temp dir (TMPDIR). */
export function scratchDir(name: string): string {
  removeOnExit()
  const dir = mkdtempSync(join(tmpdir(), `fuselink-${name}-`))
  made.add(dir)
  return dir
}

export function removeScratch(dir: string): void {
  made.delete(dir)
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
}
