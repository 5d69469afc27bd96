import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { type D1DatabaseLike, D1SqlDatabase } from '../../src/adapters/d1-database'
import type { SqlDatabase } from '../../src/adapters/sql'
import { SqliteDatabase } from '../../src/adapters/sqlite-database'
import { applyMigrations } from '../../src/node/migrate'
import { WRANGLER_CONFIG } from '../../tools/workerd/runtime'
import { prepareLocalD1 } from './worker-service'

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url))

/** One of the two databases the state store runs on, migrated as its entry migrates it. */
export interface Backend {
  db: SqlDatabase
  close(): Promise<void>
}

/** A better-sqlite3 file in `dir`, migrated as the Node entry does. */
export async function openSqlite(dir: string): Promise<Backend> {
  const sqlite = new SqliteDatabase(join(dir, 'state.db'))
  applyMigrations(sqlite.raw, MIGRATIONS)
  return { db: sqlite, close: async () => sqlite.close() }
}

/** A local D1 (Miniflare) in `dir`, migrated by `wrangler d1 migrations apply --local`. */
export async function openD1(dir: string): Promise<Backend> {
  await prepareLocalD1(dir)
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG)
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null) }',
    compatibilityDate: workerOptions.compatibilityDate,
    d1Databases: workerOptions.d1Databases,
    defaultPersistRoot: join(dir, 'v3'),
  })
  const d1 = (await mf.getD1Database('DB')) as unknown as D1DatabaseLike
  return { db: new D1SqlDatabase(d1), close: () => mf.dispose() }
}
