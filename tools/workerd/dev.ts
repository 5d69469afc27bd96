import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { D1DatabaseLike } from '../../src/adapters/d1-database'
import { newApiKeySecret } from '../../src/core/ids'
import { jsonLogger } from '../../src/core/log'
import { namesReadBy, readSettings, secretValues } from '../../src/core/settings'
import { makeSetupUrl, SETUP_URL_PREFIX } from '../../src/core/setup-link'
import { startupFailureLine } from '../../src/core/startup-failure'
import { buildKeyRing, generateSigningJwk } from '../../src/core/token/keys'
import { readWorkerConfig } from '../../src/workers/settings'
import { type LocalS3, startLocalS3 } from '../local-s3'
import { applyLocalMigrations, startWorker, triggerScheduled } from './runtime'

/*
 * `npm run dev:worker`: fuselink in the local Workers runtime, configured
 * like `npm start` (PORT, HOST, DATA_DIR and the Worker's settings of
 * src/core/settings.ts from the environment), so that anything written
 * against the contract can be pointed at either. State lives under
 * $DATA_DIR/worker: the local D1, the objects of the S3-protocol server
 * started here (unless S3_BUCKET names a real bucket), and the generated
 * admin and signing keys.
 */

const LOCAL_BUCKET = 'fuselink'
const CRON_EVERY_MS = 60_000

interface Kept {
  ADMIN_API_KEY?: string
  TOKEN_SIGNING_KEY?: string
}

/** Generated secrets, kept (owner-only) so that keys and links survive restarts, as on Node. */
function loadKept(path: string): Kept {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Kept) : {}
}

function saveKept(path: string, kept: Kept): void {
  writeFileSync(path, JSON.stringify(kept, null, 2), { mode: 0o600 })
  chmodSync(path, 0o600)
}

async function main(): Promise<void> {
  const env = process.env
  // Checked as `npm start` checks them: the same line for a bad value.
  const { port, host, dataDir: dataRoot, setupTtl } = readSettings(env, 'node')
  const dataDir = resolve(dataRoot, 'worker')
  mkdirSync(dataDir, { recursive: true })

  const vars: Record<string, string> = { PUBLIC_URL: `http://localhost:${port}` }
  for (const name of namesReadBy('workers')) {
    const value = env[name]?.trim()
    if (value) vars[name] = value
  }

  // A Worker never generates keys; this local runner does, as `npm start` does.
  const keptPath = join(dataDir, 'dev-secrets.json')
  const kept = loadKept(keptPath)
  if (!vars.ADMIN_API_KEY) {
    if (!kept.ADMIN_API_KEY) {
      kept.ADMIN_API_KEY = newApiKeySecret()
      saveKept(keptPath, kept)
      // Printed once, when generated, exactly as the Node entry prints it.
      process.stdout.write(`ADMIN_API_KEY=${kept.ADMIN_API_KEY}\n`)
    }
    vars.ADMIN_API_KEY = kept.ADMIN_API_KEY
  }
  if (!vars.TOKEN_SIGNING_KEY) {
    kept.TOKEN_SIGNING_KEY ??= JSON.stringify(await generateSigningJwk())
    vars.TOKEN_SIGNING_KEY = kept.TOKEN_SIGNING_KEY
  }
  saveKept(keptPath, kept)

  let s3: LocalS3 | null = null
  if (!vars.S3_BUCKET) {
    s3 = await startLocalS3({ directory: join(dataDir, 's3'), bucket: LOCAL_BUCKET })
    Object.assign(vars, s3.env)
  }

  // Refuse bad settings here, with the line `npm start` would print, rather
  // than start a Worker that answers every request with a 500.
  const checked = readWorkerConfig(vars)
  const ring = await buildKeyRing(checked.tokenSigningKey, checked.tokenVerifyKeys)

  await applyLocalMigrations(dataDir)
  const worker = await startWorker({ host, port, persistDir: dataDir, vars })
  // The Worker cannot print to its operator; this runner holds its signing
  // key and its D1, so it prints the setup link as `npm start` does.
  const db = (await worker.d1()) as D1DatabaseLike
  if ((await db.prepare('SELECT 1 AS found FROM users LIMIT 1').first()) === null) {
    process.stdout.write(`${SETUP_URL_PREFIX}${await makeSetupUrl(ring, vars.PUBLIC_URL!, Date.now(), setupTtl)}\n`)
  }
  const storage = s3 ? `local S3 server, objects in ${join(dataDir, 's3')}` : `S3 bucket ${vars.S3_BUCKET}`
  process.stdout.write(`fuselink listening on http://${host}:${port} (Workers runtime, D1 in ${dataDir}, ${storage})\n`)

  // `wrangler dev` does not fire cron triggers; fire the cleanup as deployed.
  const log = jsonLogger((line) => process.stderr.write(`${line}\n`), { secrets: secretValues(vars) })
  const cron = setInterval(() => {
    triggerScheduled(worker.url).catch((error: unknown) => log('cron failed', { error: String(error) }))
  }, CRON_EVERY_MS)
  cron.unref()

  const stop = () => {
    clearInterval(cron)
    void Promise.allSettled([worker.dispose(), s3?.close()]).then(() => process.exit(0))
    setTimeout(() => process.exit(0), 5000).unref()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureLine(error, secretValues(process.env))}\n`)
  process.exit(1)
})
