import { parseArgs } from 'node:util'
import { FuselinkClient } from '../client'
import { resolveServer, type Server } from './config'
import { UsageError } from './exit'
import type { Io, Output } from './output'

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>
export type Values = Record<string, string | boolean | string[] | undefined>

/** Options every command takes (docs/cli.md). */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec

export const GLOBAL_HELP = [
  '--url URL      the service (else FUSELINK_URL, the config file, http://localhost:8787)',
  '--key KEY      an API key (else FUSELINK_KEY, the config file)',
  '--json         print one JSON document on stdout, errors as JSON on stderr',
  '-h, --help     this help',
]

export interface Context {
  io: Io
  out: Output
  /** The service and key, from flags, environment or config file. */
  server(): Server
  /** A client for the service; refuses (usage) when no key is configured. */
  client(): FuselinkClient
  /** Aborted on Ctrl-C. */
  signal: AbortSignal
}

export interface Command {
  name: string
  /** One line for `fuselink help`. */
  summary: string
  /** The arguments after the name, e.g. `FILE... [--expires 24h]`. */
  usage: string
  /** One line per option of its own. */
  help: string[]
  options: OptionSpec
  run(context: Context, values: Values, positionals: string[]): Promise<void>
}

/** The command's flags and arguments; a wrong one is a UsageError naming it. */
export function parseCommandLine(command: Command, args: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    })
    return { values: values as Values, positionals }
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
}

/** The first argument that is not a global option: the command's name, and everything else. */
export function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, allowPositionals: true, strict: false, tokens: true })
  const first = tokens.find((token) => token.kind === 'positional' || token.kind === 'option-terminator')
  if (first?.kind !== 'positional') return { name: undefined, rest: argv }
  return { name: first.value, rest: [...argv.slice(0, first.index), ...argv.slice(first.index + 1)] }
}

/** Builds a client for the configured service, or refuses when there is no key. */
export function clientFor(server: Server): FuselinkClient {
  if (!server.key) throw new UsageError('no API key: pass --key, set FUSELINK_KEY, or run `fuselink login`')
  return new FuselinkClient({ url: server.url, key: server.key })
}

export function serverFrom(values: Values, io: Io): Server {
  return resolveServer({ url: values.url as string | undefined, key: values.key as string | undefined }, io.env)
}

/** A positive whole number from a flag, or a UsageError. */
export function wholeNumber(
  value: string | boolean | string[] | undefined,
  flag: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined
  const text = String(value)
  const number = Number(text)
  if (!/^\d+$/.test(text) || number < 1 || number > max)
    throw new UsageError(`--${flag}: give a whole number from 1 to ${max}, got "${text}"`)
  return number
}

/** Exactly `count` positionals, or a UsageError. */
export function expectArguments(positionals: string[], count: { min: number; max?: number }, what: string): void {
  if (positionals.length < count.min) throw new UsageError(`missing ${what}`)
  if (count.max !== undefined && positionals.length > count.max) {
    throw new UsageError(`unexpected argument "${positionals[count.max]}"`)
  }
}
