import { chmodSync, mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { DiskObjectStore } from '../adapters/disk-store'
import { sha256Hex } from '../adapters/sha256'
import { SmallObjectCache } from '../adapters/small-object-cache'
import { SqlEventStore, SqlStateStore, SqlWebhookStore } from '../adapters/sql-state'
import { SqliteDatabase } from '../adapters/sqlite-database'
import { withSyncCrypto } from '../adapters/token-signer'
import { NodeWebhookTransport } from '../adapters/webhook-node'
import { systemClock } from '../core/clock'
import type { S3Settings } from '../core/config'
import { jsonLogger } from '../core/log'
import type { ObjectStore } from '../core/ports'
import { secretValues } from '../core/settings'
import { makeSetupUrl, SETUP_URL_PREFIX } from '../core/setup-link'
import { WebhookDispatcher } from '../core/webhooks/dispatcher'
import { DeliveryLoop, type SetTimer } from '../core/webhooks/sending'
import { type App, createApp } from '../http/app'
import { maintain } from '../http/maintenance'
import { assembleServices } from '../http/services'
import { loadAdminKeyHash, loadKeyRing } from './bootstrap'
import { readNodeConfig } from './config'
import { directBodies } from './direct-bodies'
import { linesPerTurn } from './log-lines'
import { applyMigrations } from './migrate'
import { PendingWork, stopGracefully } from './shutdown'
import { exitOnStartupFailure, listenFailure } from './startup-failure'
import { answerBeforeBody } from './unread-bodies'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

const log = jsonLogger(
  linesPerTurn((text) => process.stderr.write(text)),
  { secrets: secretValues(process.env) },
)

/** Timers that never keep the process alive by themselves. */
const unrefTimer: SetTimer = (run, ms) => {
  const timer = setTimeout(run, ms)
  timer.unref()
  return () => clearTimeout(timer)
}

/** The S3 store, loaded only when a bucket is set; it loads the AWS SDK itself, on the first call that needs it. */
async function s3Store(settings: S3Settings): Promise<ObjectStore> {
  const [{ S3ObjectStore }, { nodeTransport }] = await Promise.all([
    import('../adapters/s3-store'),
    import('../adapters/s3-node-transport'),
  ])
  return new S3ObjectStore(settings, { requestBody: nodeRequestBody }, nodeTransport())
}

/**
 * A streamed request body for the SDK's Node handler, which sends nothing
 * else but a stream.Readable. A body that fails (a part of the wrong length)
 * is the S3 store's to report: the request is aborted there, and the
 * stream's own error must not be left unheard (it would end the process).
 */
function nodeRequestBody(body: ReadableStream<Uint8Array>): Readable {
  return Readable.fromWeb(body as NodeReadableStream).on('error', () => {})
}

async function main(): Promise<void> {
  // Everything the server creates (the database and its journal, objects,
  // directories) is the owner's alone, like the signing key (docs/security.md, finding 8).
  process.umask(0o077)
  const config = readNodeConfig(process.env)
  const dataDir = resolve(config.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const ring = await loadKeyRing({ ...config, dataDir })
  const keys = withSyncCrypto(ring)

  const databasePath = join(dataDir, 'fuselink.db')
  const database = new SqliteDatabase(databasePath)
  // A database made before the umask above; SQLite gives its journal files the database's mode.
  chmodSync(databasePath, 0o600)
  const applied = applyMigrations(database.raw, MIGRATIONS_DIR)
  if (applied.length > 0) log('migrations applied', { applied })
  const state = new SqlStateStore(database)
  let disk: DiskObjectStore | null = null
  let storage: ObjectStore
  if (config.s3) {
    storage = await s3Store(config.s3)
  } else {
    storage = disk = new DiskObjectStore(join(dataDir, 'objects'))
    await disk.removeAbandonedUploads()
  }
  const objects = new SmallObjectCache(storage)
  const pending = new PendingWork()
  const webhooks = new SqlWebhookStore(database)
  const webhookTransport = new NodeWebhookTransport()
  const dispatcher = new WebhookDispatcher({
    store: webhooks,
    transport: webhookTransport,
    policy: config.webhookAllowedHosts,
    clock: systemClock,
    log,
  })
  const deliveries = new DeliveryLoop(dispatcher, systemClock, unrefTimer, log)

  const print = (line: string) => process.stdout.write(`${line}\n`)
  const adminKeyHash = await loadAdminKeyHash(config, state, print)
  // On every start while no user exists: a fresh link, each valid SETUP_TTL.
  if (!(await state.hasUsers())) print(`${SETUP_URL_PREFIX}${await makeSetupUrl(keys, config.publicUrl, Date.now(), config.setupTtl)}`)

  let app: App | undefined
  const direct = directBodies((request, env) => app!.fetch(request, env))

  const services = assembleServices({
    config,
    state,
    objects,
    keys,
    adminKeyHash,
    hashSecret: sha256Hex,
    clientAddress: (c) => getConnInfo(c).remote.address ?? 'unknown',
    defer: (_c, work) => pending.track(work.catch((error) => log('bookkeeping failed', { error: String(error) }))),
    events: new SqlEventStore(database),
    webhooks,
    webhookTransport,
    sendWebhooks: () => deliveries.kick(),
    offerDirect: direct.offer,
    log,
  })

  app = createApp(services)
  const server = serve({ fetch: direct.fetch, port: config.port, hostname: config.host }, (info) => {
    process.stdout.write(
      `fuselink listening on http://${config.host}:${info.port} (${config.s3 ? `S3 bucket ${config.s3.bucket}` : 'local storage'})\n`,
    )
  })

  // A port in use ends start-up with one line naming PORT, not a stack trace.
  server.once('error', (error) => exitOnStartupFailure(listenFailure(error, config.host, config.port)))

  answerBeforeBody(server as Server)

  // Once at start (what a stop left behind: dead transfers, expiries, queued
  // messages), then every SWEEP_INTERVAL seconds.
  const runSweep = () =>
    void maintain(services, Date.now()).then((done) => {
      if (done.queued) deliveries.kick()
    })
  runSweep()
  deliveries.kick()
  const sweep = setInterval(() => {
    runSweep()
    disk?.removeAbandonedUploads().catch((error) => log('sweep failed', { error: String(error) }))
  }, config.sweepInterval * 1000)
  sweep.unref()

  stopGracefully(server as Server, {
    drainMs: config.drainTimeout * 1000,
    pending,
    log,
    close() {
      clearInterval(sweep)
      deliveries.stop()
      database.close()
    },
  })
}

main().catch(exitOnStartupFailure)
