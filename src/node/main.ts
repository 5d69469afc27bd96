import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { DiskObjectStore } from '../adapters/disk-store'
import { S3ObjectStore } from '../adapters/s3-store'
import { SqlStateStore } from '../adapters/sql-state'
import { SqliteDatabase } from '../adapters/sqlite-database'
import { jsonLogger } from '../core/log'
import { secretValues } from '../core/settings'
import { makeSetupUrl, SETUP_URL_PREFIX } from '../core/setup-link'
import { createApp } from '../http/app'
import { assembleServices } from '../http/services'
import { loadAdminKeyHash, loadKeyRing } from './bootstrap'
import { readNodeConfig } from './config'
import { applyMigrations } from './migrate'
import { exitOnStartupFailure } from './startup-failure'
import { answerBeforeBody } from './unread-bodies'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))
const SWEEP_EVERY_MS = 60_000

const log = jsonLogger((line) => process.stderr.write(`${line}\n`), { secrets: secretValues(process.env) })

async function main(): Promise<void> {
  const config = readNodeConfig(process.env)
  const dataDir = resolve(config.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const keys = await loadKeyRing({ ...config, dataDir })

  const database = new SqliteDatabase(join(dataDir, 'fuselink.db'))
  const applied = applyMigrations(database.raw, MIGRATIONS_DIR)
  if (applied.length > 0) log('migrations applied', { applied })
  const state = new SqlStateStore(database)
  const objects = config.s3 ? new S3ObjectStore(config.s3) : new DiskObjectStore(join(dataDir, 'objects'))

  const print = (line: string) => process.stdout.write(`${line}\n`)
  const adminKeyHash = await loadAdminKeyHash(config, state, print)
  // On every start while no user exists: a fresh link, each valid SETUP_TTL.
  if (!(await state.hasUsers())) print(`${SETUP_URL_PREFIX}${await makeSetupUrl(keys, config.publicUrl!, Date.now(), config.setupTtl)}`)

  const services = assembleServices({
    config,
    state,
    objects,
    keys,
    adminKeyHash,
    clientAddress: (c) => getConnInfo(c).remote.address ?? 'unknown',
    defer: (_c, work) => void work.catch((error) => log('bookkeeping failed', { error: String(error) })),
    log,
  })

  const app = createApp(services)
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    process.stdout.write(
      `fuselink listening on http://${config.host}:${info.port} (${config.s3 ? `S3 bucket ${config.s3.bucket}` : 'local storage'})\n`,
    )
  })

  answerBeforeBody(server as Server)

  const sweep = setInterval(() => {
    state.sweep(Date.now()).catch((error) => log('sweep failed', { error: String(error) }))
    state.sweepAccounts(Date.now()).catch((error) => log('account sweep failed', { error: String(error) }))
  }, SWEEP_EVERY_MS)
  sweep.unref()

  const stop = () => {
    clearInterval(sweep)
    server.close(() => {
      database.close()
      process.exit(0)
    })
    setTimeout(() => process.exit(0), 5000).unref()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch(exitOnStartupFailure)
