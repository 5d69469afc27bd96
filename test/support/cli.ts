import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './node-service'

export interface CliRun {
  /** The exit code (null when a signal ended it). */
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** The whole environment besides PATH (HOME should point at a scratch directory: no one's real config). */
  env: Record<string, string>
  /** Written to stdin, which is then closed. */
  input?: string | Uint8Array
  cwd?: string
}

/** Runs `fuselink` as a person would (bin/fuselink.js, a process of its own) and collects what it printed. */
export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  return startCli(args, options).done
}

/** `runCli` with the process at hand, to stop it (e.g. SIGKILL, as a crash) before it ends. */
export function startCli(args: string[], options: CliOptions): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/fuselink.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  child.stdin.end(options.input ?? '')
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    )
  })
  return { child, done }
}
