import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DiskObjectStore } from '../../src/adapters/disk-store'
import { sha256Hex } from '../../src/adapters/sha256'
import { SqlEventStore, SqlStateStore, SqlWebhookStore } from '../../src/adapters/sql-state'
import { SqliteDatabase } from '../../src/adapters/sqlite-database'
import { NodeWebhookTransport } from '../../src/adapters/webhook-node'
import type { Clock } from '../../src/core/clock'
import { buildKeyRing, generateSigningJwk } from '../../src/core/token/keys'
import { WebhookDispatcher } from '../../src/core/webhooks/dispatcher'
import { createApp } from '../../src/http/app'
import { assembleServices, type Services } from '../../src/http/services'
import { readNodeConfig } from '../../src/node/config'
import { applyMigrations } from '../../src/node/migrate'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

/**
 * The app with real parts (a SQLite file, a local directory, a generated
 * Ed25519 key) in a temporary directory, called in-process with app.request:
 * for what needs the app object itself, such as its route table.
 */
export async function inProcessApp(env: Record<string, string> = {}, options: { clock?: Clock } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fuselink-app-'))
  const database = new SqliteDatabase(join(dir, 'fuselink.db'))
  applyMigrations(database.raw, MIGRATIONS_DIR)
  const adminKey = 'fl_in-process-admin-key-0123456789'
  const config = readNodeConfig({ PUBLIC_URL: 'http://fuselink.test', ...env })
  const webhooks = new SqlWebhookStore(database)
  const webhookTransport = new NodeWebhookTransport()
  const clock = options.clock ?? { now: () => Date.now() }
  // Sent when a test says so (dispatcher.deliverDue), on its clock.
  const dispatcher = new WebhookDispatcher({
    store: webhooks,
    transport: webhookTransport,
    policy: config.webhookAllowedHosts,
    clock,
    log: () => {},
  })
  const services: Services = assembleServices({
    config,
    clock,
    state: new SqlStateStore(database),
    objects: new DiskObjectStore(join(dir, 'objects')),
    keys: await buildKeyRing(JSON.stringify(await generateSigningJwk()), null),
    adminKeyHash: sha256Hex(adminKey),
    hashSecret: sha256Hex,
    clientAddress: () => '127.0.0.1',
    defer: (_c, work) => void work.catch(() => {}),
    events: new SqlEventStore(database),
    webhooks,
    webhookTransport,
    sendWebhooks: () => {},
    log: () => {},
  })
  return {
    app: createApp(services),
    services,
    dispatcher,
    database,
    adminKey,
    close() {
      database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
