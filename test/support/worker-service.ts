import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { Miniflare } from 'miniflare'
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { generateSigningJwk } from '../../src/core/token/keys'
import { ROOT } from './node-service'
import { freePort } from './ports'
import { startS3rver, type S3Server } from './s3rver'
import type { ServiceTarget, TargetOptions } from './target'

// Keep wrangler offline and quiet whoever imports this (tests, bench, dev).
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false'
process.env.WRANGLER_SEND_METRICS ??= 'false'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

export const WRANGLER_CONFIG = join(ROOT, 'wrangler.toml')
const WRANGLER_BIN = join(ROOT, 'node_modules/wrangler/bin/wrangler.js')

/** Runs the wrangler CLI of this repository (offline) and returns its output. */
export async function wrangler(args: string[], cwd = ROOT): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [WRANGLER_BIN, ...args], {
    cwd,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  })
  return `${stdout}${stderr}`
}

/** `wrangler d1 migrations apply DB --local` into a persistence directory. */
export async function applyLocalMigrations(persistDir: string): Promise<void> {
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir])
}

/** `wrangler deploy --dry-run`: the exact script a deploy would upload, in `outDir`. */
export async function buildWorkerBundle(outDir: string): Promise<string> {
  return wrangler(['deploy', '--dry-run', '--outdir', outDir])
}

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// The wrangler CLI takes seconds to start and the contract suite starts many
// Workers, so each test process bundles once and migrates one local D1 once
// (with the real commands), then every Worker runs that bundle on its own
// copy of that D1 (the CLI has exited, so the files are at rest).
let bundle: Promise<string> | undefined
let template: Promise<string> | undefined

export function workerBundle(): Promise<string> {
  bundle ??= (async () => {
    const dir = scratchDir('fuselink-bundle-')
    await buildWorkerBundle(dir)
    return dir
  })()
  return bundle
}

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = scratchDir('fuselink-d1-template-')
    await applyLocalMigrations(dir)
    return dir
  })()
  return template
}

/** A fresh local D1 with the migrations applied, for `persistDir`. */
export async function prepareLocalD1(persistDir: string): Promise<void> {
  cpSync(await migratedTemplate(), persistDir, { recursive: true })
}

export interface WorkerOptions {
  host?: string
  port: number
  /** Where the local D1 lives, laid out as `wrangler --persist-to` does (v3/d1/...). */
  persistDir: string
  /** Vars and secrets, API.md names; they override wrangler.toml's [vars]. */
  vars: Record<string, string>
  /** Receives the Worker's console output; by default it goes to this process's stderr. */
  onLog?: (text: string) => void
}

export interface RunningWorker {
  url: string
  /** From start until the Worker answered its first request (ms). */
  startupMs: number
  dispose(): Promise<void>
}

const LOCAL_EDGE = readFileSync(fileURLToPath(new URL('./local-edge.worker.js', import.meta.url)), 'utf8')

/**
 * The deploy bundle of wrangler.toml in workerd, through Miniflare (the local
 * runtime under `wrangler dev`), with the bindings wrangler derives from
 * wrangler.toml, behind a stand-in for Cloudflare's front line
 * (local-edge.worker.js). Not `wrangler dev` nor unstable_startWorker: both
 * put wrangler's dev proxy (a Durable Object) in front of the Worker, which
 * is slow on large bodies (TOOLCHAIN.md) and, in wrangler 4.86, breaks the
 * next requests for over a minute whenever a Worker answers before reading a
 * request body to its end (an oversized upload answered 413, say).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const bundleDir = await workerBundle()
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG)
  // Startup as a deploy would see it: runtime, script, first answer; not the build.
  const started = performance.now()
  const onLog = options.onLog ?? ((text: string) => process.stderr.write(text))
  const mf = new Miniflare({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    defaultPersistRoot: join(options.persistDir, 'v3'),
    // /cdn-cgi/handler/scheduled runs the cron handler, as under wrangler dev.
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
        modules: [{ type: 'ESModule', path: 'local-edge.worker.js', contents: LOCAL_EDGE }],
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
  // Ready means listening; the first request also loads the script.
  await (await fetch(`${url}/.well-known/jwks.json`)).arrayBuffer()
  return { url, startupMs: performance.now() - started, dispose: () => mf.dispose() }
}

/** Runs the Worker's cron handler once, as the [triggers] schedule would, as if at `time` (ms). */
export async function triggerScheduled(url: string, time = Date.now()): Promise<void> {
  const response = await fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${time}`)
  const outcome = await response.text()
  if (!response.ok) throw new Error(`scheduled handler failed: ${response.status} ${outcome}`)
}

export interface WorkerServiceTarget extends ServiceTarget {
  s3: S3Server
  /** How long the last start took, until the Worker answered (ms). */
  startupMs: number
  /** The Worker's console output so far. */
  logs: string[]
  /** Puts an object of any size into the bucket, streamed as a multipart upload (for benches). */
  putLargeObject(key: string, body: Readable | ReadableStream<Uint8Array> | Uint8Array, contentType?: string): Promise<void>
  /** Runs the Worker's cron handler once, as if at `time` (ms). */
  scheduled(time?: number): Promise<void>
}

/** fuselink on Workers: workerd, a local D1 migrated by wrangler, objects in s3rver over HTTP. */
export async function startWorkerService(options: TargetOptions = {}): Promise<WorkerServiceTarget> {
  const s3 = await startS3rver()
  const persistDir = mkdtempSync(join(tmpdir(), 'fuselink-worker-'))
  await prepareLocalD1(persistDir)
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const adminKey = `test-admin-${Math.random().toString(36).slice(2)}-key`
  const logs: string[] = []
  const workerOptions: WorkerOptions = {
    port,
    persistDir,
    vars: {
      ADMIN_API_KEY: adminKey,
      // Kept for restarts: links signed before one must verify after it.
      TOKEN_SIGNING_KEY: JSON.stringify(await generateSigningJwk()),
      PUBLIC_URL: baseUrl,
      ...s3.env,
      ...options.env,
    },
    onLog: (text) => {
      logs.push(text)
      process.stderr.write(text)
    },
  }
  let running = await startWorker(workerOptions)
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  })

  const target: WorkerServiceTarget = {
    name: 'workers+d1+s3',
    baseUrl,
    adminKey,
    s3,
    startupMs: running.startupMs,
    logs,
    async putObject(key, body, contentType = 'application/octet-stream') {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType }))
    },
    async putLargeObject(key, body, contentType = 'application/octet-stream') {
      await new Upload({ client, params: { Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType } }).done()
    },
    async removeObject(key) {
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }))
    },
    scheduled: (time) => triggerScheduled(baseUrl, time),
    async restart() {
      await running.dispose()
      running = await startWorker(workerOptions)
      target.startupMs = running.startupMs
    },
    async stop() {
      await running.dispose()
      client.destroy()
      await s3.close()
      rmSync(persistDir, { recursive: true, force: true })
    },
  }
  return target
}
