import { EXIT } from './exit'
import { run } from './run'

/*
 * The `fuselink` command (bin/fuselink.js → here). docs/cli.md is its manual.
 * The first Ctrl-C stops the command cleanly (an upload in progress is
 * abandoned); a second one ends the process at once.
 */

const interrupt = new AbortController()
process.once('SIGINT', () => {
  interrupt.abort(new Error('interrupted'))
  process.once('SIGINT', () => process.exit(EXIT.interrupted))
})

process.exitCode = await run(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  interrupt.signal,
)
