/** The exit codes of `fuselink` (docs/cli.md, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** The service answered with a problem; its code is on stderr. */
  refused: 1,
  /** The command line was wrong, or the URL or key is missing. */
  usage: 2,
  /** No answer from a fuselink service at that URL. */
  unreachable: 3,
  /** Something on this machine: a file that cannot be read, a config that cannot be written. */
  local: 4,
  /** Interrupted (Ctrl-C); an upload in parts cut short resumes when the same file is shared again. */
  interrupted: 130,
} as const

/** The command line was wrong: exit 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Something on this machine failed (exit 4). */
export class LocalError extends Error {
  override readonly name = 'LocalError'
}
