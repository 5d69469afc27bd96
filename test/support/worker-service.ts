import { cpSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { DeleteObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { type D1DatabaseLike, D1SqlDatabase } from '../../src/adapters/d1-database'
import { ConfigError } from '../../src/core/errors'
import { readSettings } from '../../src/core/settings'
import { makeSetupUrl } from '../../src/core/setup-link'
import { buildKeyRing, generateSigningJwk } from '../../src/core/token/keys'
import { type LocalS3, startLocalS3 } from '../../tools/local-s3'
import { applyLocalMigrations, type RunningWorker, startWorker, triggerScheduled, type WorkerOptions } from '../../tools/workerd/runtime'
import { listObjectKeys } from './list-objects'
import { freePort } from './ports'
import { removeScratch, scratchDir } from './scratch'
import { assertNothingRefused, startVerifiedLocalS3 } from './sigv4-proxy'
import type { ServiceTarget, TargetKind, TargetOptions } from './target'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

// The wrangler CLI takes seconds to start and the contract suite starts many
// Workers, so each test process migrates one local D1 with the real command
// and every Worker gets a copy of it (the CLI has exited: the files are at rest).
let template: Promise<string> | undefined

/** Gives `persistDir` a local D1 with the migrations applied by `wrangler d1 migrations apply --local`. */
export async function prepareLocalD1(persistDir: string): Promise<void> {
  template ??= (async () => {
    const dir = scratchDir('d1-template')
    await applyLocalMigrations(dir)
    return dir
  })()
  cpSync(await template, persistDir, { recursive: true })
}

export interface WorkerServiceTarget extends ServiceTarget {
  s3: LocalS3
  /** How long the last start took, from starting the runtime to the first answer (ms). */
  startupMs: number
  /** Of that, the first request: isolate, script, services, answer (ms). */
  firstRequestMs: number
  /** The Worker's console output so far. */
  logs: string[]
  /** The running Worker's D1 binding (Miniflare's proxy of it), to look under the API. */
  d1(): Promise<unknown>
  /** Puts an object of any size into the bucket, streamed as a multipart upload (for benches). */
  putLargeObject(key: string, body: Readable | ReadableStream<Uint8Array> | Uint8Array, contentType?: string): Promise<void>
  /** Runs the Worker's cron handler once, as if at `time` (ms). */
  scheduled(time?: number): Promise<void>
}

/**
 * fuselink on Workers, as the suites and the bench see it: the deploy bundle
 * in workerd, a local D1 migrated by wrangler, objects in s3rver over HTTP.
 * `options.env` overrides anything, secrets included (an empty string leaves
 * a setting unset, to test refusals).
 */
export async function startWorkerService(options: TargetOptions = {}): Promise<WorkerServiceTarget> {
  const verified = options.verifySignatures === false ? null : await startVerifiedLocalS3()
  const s3: LocalS3 = verified ?? (await startLocalS3())
  const persistDir = scratchDir('worker')
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
  let running: RunningWorker = await startWorker(workerOptions)
  // What tools/workerd/dev.ts prints at each start while no user exists, with
  // the keys of that start (a restart may rotate them). A Worker that refuses
  // its configuration (test/workers/entry.test.ts) prints none.
  const setupAtStart = async () => {
    const setupSigning = await setupSigningOf(workerOptions.vars, options.env ?? {})
    if (setupSigning === null) return null
    const { ring, setupTtl } = setupSigning
    const users = await new D1SqlDatabase((await running.d1()) as D1DatabaseLike).first('SELECT 1 AS found FROM users LIMIT 1', [])
    return users === null ? makeSetupUrl(ring, workerOptions.vars.PUBLIC_URL!, Date.now(), setupTtl) : null
  }
  let setupUrl = await setupAtStart()
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
    ...(verified ? { signatures: verified.tally } : {}),
    startupMs: running.startupMs,
    firstRequestMs: running.firstRequestMs,
    logs,
    d1: () => running.d1(),
    log: () => logs.join(''),
    async putObject(key, body, contentType = 'application/octet-stream') {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType }))
    },
    async putLargeObject(key, body, contentType = 'application/octet-stream') {
      await new Upload({ client, params: { Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType } }).done()
    },
    async removeObject(key) {
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }))
    },
    listObjects: () => listObjectKeys(client, s3.bucket),
    async pendingMultipart() {
      const page = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))
      return (page.Uploads ?? []).map((upload) => upload.UploadId!)
    },
    async query(sql, params = []) {
      return new D1SqlDatabase((await running.d1()) as D1DatabaseLike).all(sql, params)
    },
    scheduled: (time) => triggerScheduled(baseUrl, time),
    setupUrl: () => setupUrl,
    async restart(changes = {}) {
      await running.dispose()
      Object.assign(workerOptions.vars, changes)
      running = await startWorker(workerOptions)
      setupUrl = await setupAtStart()
      target.startupMs = running.startupMs
      target.firstRequestMs = running.firstRequestMs
    },
    async stop() {
      await running.dispose()
      client.destroy()
      await s3.close()
      removeScratch(persistDir)
      if (verified) assertNothingRefused(verified.tally)
    },
  }
  return target
}

export const worker: TargetKind = { name: 'workers+d1+s3', runtime: 'workers', start: startWorkerService }

async function setupSigningOf(vars: Record<string, string | undefined>, env: Record<string, string>) {
  try {
    const ring = await buildKeyRing(vars.TOKEN_SIGNING_KEY ?? '', vars.TOKEN_VERIFY_KEYS || null)
    return { ring, setupTtl: readSettings(env, 'node').setupTtl }
  } catch (error) {
    if (error instanceof ConfigError) return null
    throw error
  }
}
