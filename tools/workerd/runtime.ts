import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'

/*
 * Runs the Worker on this machine the way it runs when deployed: the script
 * `wrangler deploy` would upload, in workerd, with the D1 and vars bindings
 * wrangler derives from wrangler.toml, and a local D1 that
 * `wrangler d1 migrations apply --local` migrated. Used by `npm run
 * dev:worker`, the tests and the bench.
 */

// Keep wrangler offline and quiet whoever imports this.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false'
process.env.WRANGLER_SEND_METRICS ??= 'false'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const WRANGLER_CONFIG = join(ROOT, 'wrangler.toml')
const WRANGLER_BIN = join(ROOT, 'node_modules/wrangler/bin/wrangler.js')
const LOCAL_EDGE = readFileSync(fileURLToPath(new URL('./edge.worker.js', import.meta.url)), 'utf8')

/** Runs the wrangler CLI of this repository (offline, non-interactive) and returns its output. */
export async function wrangler(args: string[]): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [WRANGLER_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  })
  return `${stdout}${stderr}`
}

/** `wrangler d1 migrations apply DB --local`: the same command as before a deploy, on a local D1. */
export async function applyLocalMigrations(persistDir: string): Promise<string> {
  return wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir])
}

/** `wrangler deploy --dry-run`: writes the exact script a deploy would upload (main.js) into `outDir`. */
export async function buildWorkerBundle(outDir: string): Promise<string> {
  return wrangler(['deploy', '--dry-run', '--outdir', outDir])
}

/** A directory removed when this process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// Bundling takes seconds; one build serves every Worker this process starts.
let bundle: Promise<string> | undefined

/** The directory holding this checkout's deploy bundle, built once per process. */
export function workerBundle(): Promise<string> {
  bundle ??= (async () => {
    const dir = scratchDir('fuselink-bundle-')
    await buildWorkerBundle(dir)
    return dir
  })()
  return bundle
}

export interface WorkerOptions {
  host?: string
  /** 0 for any free port. */
  port: number
  /** The local D1's home, laid out as `wrangler --persist-to` does (v3/d1/...). */
  persistDir: string
  /** Vars and secrets under the names of src/core/settings.ts; they override wrangler.toml's [vars]. */
  vars: Record<string, string>
  /** Receives the Worker's console output; by default this process's stderr. */
  onLog?: (text: string) => void
}

export interface RunningWorker {
  url: string
  /** From starting the runtime until the Worker answered its first request (ms). */
  startupMs: number
  /** Of that, the first request: the isolate loads the script, builds its services, answers (ms). */
  firstRequestMs: number
  /** The Worker's D1 binding, for tests that look under the API. */
  d1(): Promise<unknown>
  dispose(): Promise<void>
}

/**
 * Starts the deploy bundle in workerd through Miniflare (the runtime under
 * `wrangler dev`), behind edge.worker.js, a stand-in for Cloudflare's front
 * line. Not `wrangler dev` nor unstable_startWorker: both put wrangler's dev
 * proxy (a Durable Object) in front of the Worker, which is slow on large
 * bodies (it logs every 4 KiB of a fetched body) and, in wrangler 4.86,
 * stalls or fails the following requests for over a minute whenever a Worker
 * answers before it has read a request body to the end (an oversized upload
 * answered 413, say).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const bundleDir = await workerBundle()
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG)
  const onLog = options.onLog ?? ((text: string) => void process.stderr.write(text))
  // Startup as a deploy sees it: runtime, script, first answer; not the build.
  const started = performance.now()
  const mf = new Miniflare({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    defaultPersistRoot: join(options.persistDir, 'v3'),
    // GET /cdn-cgi/handler/scheduled runs the cron handler, as under wrangler dev.
    unsafeTriggerHandlers: true,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.setEncoding('utf8').on('data', onLog)
      stderr.setEncoding('utf8').on('data', onLog)
    },
    workers: [
      {
        // The first worker receives the HTTP requests.
        name: 'local-edge',
        compatibilityDate: workerOptions.compatibilityDate,
        // Lets it hand cron events on to fuselink (Fetcher.scheduled).
        compatibilityFlags: ['service_binding_extra_handlers'],
        modules: [{ type: 'ESModule', path: 'edge.worker.js', contents: LOCAL_EDGE }],
        serviceBindings: { WORKER: 'fuselink' },
      },
      {
        name: 'fuselink',
        compatibilityDate: workerOptions.compatibilityDate,
        compatibilityFlags: workerOptions.compatibilityFlags,
        d1Databases: workerOptions.d1Databases,
        bindings: { ...workerOptions.bindings, ...options.vars },
        modules: true,
        modulesRoot: bundleDir,
        scriptPath: join(bundleDir, 'main.js'),
      },
    ],
  })
  const url = (await mf.ready).href.replace(/\/$/, '')
  // Ready means listening; the first request loads the script and builds the services.
  const listening = performance.now()
  // Its connection is closed, not pooled: reused right after start, a large
  // upload on it failed with EPIPE (seen on a loaded machine).
  await (await fetch(`${url}/.well-known/jwks.json`, { headers: { connection: 'close' } })).arrayBuffer()
  const answered = performance.now()
  return {
    url,
    startupMs: answered - started,
    firstRequestMs: answered - listening,
    d1: () => mf.getD1Database('DB', 'fuselink'),
    dispose: () => mf.dispose(),
  }
}

/** Runs the Worker's cron handler once, as the [triggers] schedule would, as if at `time` (ms). */
export async function triggerScheduled(url: string, time = Date.now()): Promise<void> {
  const response = await fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${time}`)
  const outcome = await response.text()
  if (!response.ok) throw new Error(`the scheduled handler failed: ${response.status} ${outcome}`)
}
