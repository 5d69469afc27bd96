import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'

/** A Debian download client (curl, wget, aria2c) running against the service. */
export interface Client {
  child: ChildProcess
  /** Exit code, or the signal name when it was killed. */
  exited: Promise<number | string>
  output(): string
}

export function startClient(command: string, args: string[], cwd?: string): Client {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks: string[] = []
  child.stdout!.setEncoding('utf8').on('data', (text: string) => chunks.push(text))
  child.stderr!.setEncoding('utf8').on('data', (text: string) => chunks.push(text))
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  return { child, exited, output: () => chunks.join('') }
}

/** Runs a client to its end; rejects with its output if it does not exit 0. */
export async function runClient(command: string, args: string[], cwd?: string): Promise<string> {
  const client = startClient(command, args, cwd)
  const code = await client.exited
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${client.output()}`)
  return client.output()
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path).catch(() => ({ size: 0 }))).size
}

/** Waits until a client has written at least `bytes` of its output file. */
export async function waitForSize(path: string, bytes: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const size = await fileSize(path)
    if (size >= bytes) return size
    if (Date.now() > deadline) throw new Error(`${path} reached only ${size} of ${bytes} bytes`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}

export const MiB = 1024 * 1024

export const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`
