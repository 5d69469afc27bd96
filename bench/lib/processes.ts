import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { type NodeProcess, ROOT, spawnNodeEntry, stopProcess } from '../../test/support/node-service'
import { freePort } from '../../test/support/ports'
import { scratchDir } from '../../test/support/scratch'
import type { LocalS3 } from '../../tools/local-s3'

export { ROOT }

/**
 * Child processes and scratch dirs of a bench run. Whatever happens (a thrown
 * error, Ctrl-C), they are killed and removed when this process exits.
 */
const children: ChildProcess[] = []

/** A directory of this run (test/support/scratch.ts), removed when the bench exits. */
export const tempDir = (name: string): string => scratchDir(`bench-${name}`)

/** Kills `child` with the others when the bench exits. */
export function track(child: ChildProcess): void {
  children.push(child)
}

/**
 * This repository at `revision`, unpacked into a directory of the run with
 * this checkout's node_modules: another version to start beside this one
 * (`startServer`'s `root`), for an A/B in one run.
 */
export function checkout(revision: string): string {
  const dir = tempDir(`revision-${revision.replace(/[^\w-]/g, '_')}`)
  execFileSync('sh', ['-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'sh', revision, dir], { cwd: ROOT })
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

export function cleanupAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}
process.once('exit', cleanupAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanupAll()
    process.exit(130)
  })
}

export interface S3rverProcess extends Omit<LocalS3, 'close'> {
  child: ChildProcess
}

/** tools/local-s3.ts in its own process, so s3rver has an event loop to itself. */
export async function startS3rverProcess(): Promise<S3rverProcess> {
  const directory = tempDir('s3rver')
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/local-s3.ts'), directory], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.push(child)
  const line = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
      const end = text.indexOf('\n')
      if (end >= 0) resolve(text.slice(0, end))
    })
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)))
  })
  return { ...JSON.parse(line), child }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(8000)])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

export interface Server {
  name: string
  origin: string
  pid: number
  process: NodeProcess
  profilePath: string | null
  dataDir: string
  /** From spawning `npm start`'s command to its "listening" line, ms. */
  startupMs: number
}

export interface ServerOptions {
  adminKey: string
  /** Extra settings, e.g. the S3 ones. */
  env?: Record<string, string>
  /**
   * When set, the server loads bench/lib/profiler-hook.mjs: startProfile()
   * and stopProfile() then record a V8 CPU profile to this path.
   */
  profilePath?: string | null
  /** Sampling interval of the profile, µs. */
  profileInterval?: number
  /** `npm start`'s compiled entry (the default), or the TypeScript sources through tsx. */
  entry?: 'compiled' | 'source'
  /** The checkout to run (default: this one); bench/s3-stream.ts runs another version beside it. */
  root?: string
  /** Options for node itself (e.g. V8's heap sizes), before the entry: an A/B of them. */
  nodeFlags?: string[]
}

/** The real Node entry (as `npm start` runs it) on a free port, state in a temp dir, rate limit off. */
export async function startServer(name: string, options: ServerOptions): Promise<Server> {
  const port = await freePort()
  const dataDir = tempDir(name)
  const started = performance.now()
  const running = await spawnNodeEntry(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_API_KEY: options.adminKey,
      RATE_LIMIT: '0',
      // The load comes from one address, hundreds of connections at once.
      MAX_TRANSFERS_PER_LINK: '100000',
      MAX_TRANSFERS_PER_ADDRESS: '100000',
      MAX_UPLOAD_BYTES: String(1024 ** 3),
      ...(options.profilePath
        ? {
            NODE_OPTIONS: `--import=${pathToFileURL(join(ROOT, 'bench/lib/profiler-hook.mjs')).href}`,
            FUSELINK_BENCH_CPU_PROFILE: options.profilePath,
            FUSELINK_BENCH_CPU_PROFILE_INTERVAL: String(options.profileInterval ?? 200),
          }
        : {}),
      ...options.env,
    },
    /listening on/,
    options.entry,
    options.root,
    options.nodeFlags,
  )
  const startupMs = performance.now() - started
  children.push(running.child)
  return {
    name,
    origin: `http://127.0.0.1:${port}`,
    pid: running.child.pid!,
    process: running,
    profilePath: options.profilePath ?? null,
    dataDir,
    startupMs,
  }
}

async function waitForFile(path: string, what: string): Promise<void> {
  for (let waited = 0; !existsSync(path); waited += 10) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Starts the server's profiler (see bench/lib/profiler-hook.mjs) and waits until it runs. */
export async function startProfile(server: Server): Promise<void> {
  if (!server.profilePath) throw new Error(`${server.name} was not started with a profile path`)
  server.process.child.kill('SIGUSR2')
  await waitForFile(`${server.profilePath}.started`, 'the profiler to start')
}

/** Stops the server's profiler and waits for the .cpuprofile; returns its path. */
export async function stopProfile(server: Server): Promise<string> {
  if (!server.profilePath) throw new Error(`${server.name} was not started with a profile path`)
  server.process.child.kill('SIGUSR2')
  await waitForFile(server.profilePath, 'the profile')
  return server.profilePath
}

export async function stopServer(server: Server): Promise<void> {
  await stopProcess(server.process)
}
