import { version } from '../../package.json'
import { FuselinkApiError, FuselinkConnectionError } from '../client'
import { type Command, type Context, clientFor, GLOBAL_HELP, parseCommandLine, serverFrom, splitCommand } from './command'
import { COMMANDS } from './commands'
import { EXIT, LocalError, UsageError } from './exit'
import { type Io, Output } from './output'

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length))
  return [
    `fuselink ${version}: share files through links that expire (docs/cli.md)`,
    '',
    'usage: fuselink COMMAND [ARGS] [--url URL] [--key KEY] [--json]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '  help COMMAND',
    '',
    ...GLOBAL_HELP.map((line) => `  ${line}`),
    '',
    'Exit codes: 0 done, 1 refused by the service, 2 usage, 3 no answer from the service, 4 a local failure, 130 interrupted.',
  ].join('\n')
}

function usageOf(command: Command): string {
  return [
    `usage: fuselink ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    ...(command.help.length ? ['', ...command.help.map((line) => `  ${line}`)] : []),
    '',
    ...GLOBAL_HELP.map((line) => `  ${line}`),
  ].join('\n')
}

interface Failure {
  exit: number
  code: string
  /** For people: the detail, and for a refusal its code and status. */
  message: string
  /** For --json: the sentence alone. */
  detail: string
  status?: number
}

function failureOf(error: unknown, signal: AbortSignal): Failure {
  const failure = (exit: number, code: string, detail: string, status?: number): Failure => ({
    exit,
    code,
    message: detail,
    detail,
    ...(status ? { status } : {}),
  })
  if (error instanceof UsageError) return failure(EXIT.usage, 'usage', error.message)
  if (error instanceof FuselinkApiError) {
    return {
      ...failure(EXIT.refused, error.code, error.detail, error.status),
      message: `${error.detail} (${error.code}, HTTP ${error.status})`,
    }
  }
  if (error instanceof FuselinkConnectionError) return failure(EXIT.unreachable, 'unreachable', error.message, error.status)
  if (signal.aborted) return failure(EXIT.interrupted, 'interrupted', 'interrupted')
  if (error instanceof LocalError) return failure(EXIT.local, 'local', error.message)
  return failure(EXIT.local, 'internal', `unexpected failure: ${(error as Error)?.stack ?? String(error)}`)
}

/** Runs one command line and returns its exit code (docs/cli.md, "Exit codes"). */
export async function run(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const json = argv.includes('--json')
  const out = new Output(io, json)
  let command: Command | undefined
  try {
    const { name, rest } = splitCommand(argv)
    if (name === undefined || name === 'help') {
      const topic = name === 'help' ? splitCommand(rest).name : undefined
      const about = topic === undefined ? undefined : COMMANDS.find((candidate) => candidate.name === topic)
      if (topic !== undefined && !about) throw new UsageError(`no command "${topic}"`)
      if (name === undefined && !argv.some((arg) => arg === '--help' || arg === '-h' || arg === '--version')) {
        io.stderr.write(`${overview()}\n`)
        return EXIT.usage
      }
      io.stdout.write(argv.includes('--version') ? `${version}\n` : `${about ? usageOf(about) : overview()}\n`)
      return EXIT.ok
    }
    command = COMMANDS.find((candidate) => candidate.name === name)
    if (!command) throw new UsageError(`no command "${name}": fuselink help lists them`)
    const { values, positionals } = parseCommandLine(command, rest)
    if (values.help) {
      io.stdout.write(`${usageOf(command)}\n`)
      return EXIT.ok
    }
    const context: Context = {
      io,
      out,
      signal,
      server: () => serverFrom(values, io),
      client: () => clientFor(serverFrom(values, io)),
    }
    await command.run(context, values, positionals)
    return EXIT.ok
  } catch (error) {
    const failure = failureOf(error, signal)
    if (json) {
      const { code, detail, status } = failure
      io.stderr.write(`${JSON.stringify({ error: { code, detail, ...(status ? { status } : {}) } })}\n`)
    } else {
      io.stderr.write(`fuselink: ${failure.message}\n`)
      if (failure.exit === EXIT.usage && command) io.stderr.write(`usage: fuselink ${command.name} ${command.usage}\n`)
    }
    return failure.exit
  }
}
