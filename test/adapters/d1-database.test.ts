import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type D1DatabaseLike, D1SqlDatabase } from '../../src/adapters/d1-database'
import { sql } from '../../src/adapters/sql'
import { SqlStateStore } from '../../src/adapters/sql-state'
import { removeScratch, scratchDir } from '../support/scratch'
import { prepareLocalD1 } from '../support/worker-service'

// The D1 adapter and the shared SQL on a real local D1 (Miniflare's, the one
// under `wrangler dev`), migrated by `wrangler d1 migrations apply --local`.
// The binding is driven from here through Miniflare's proxy of it.
const DATABASE_ID = '00000000-0000-0000-0000-000000000000' // wrangler.toml's
const NOW = 1_800_000_000_000
const HOUR = 3600_000

let mf: Miniflare
let persistDir: string
let d1: D1DatabaseLike
let db: D1SqlDatabase
let store: SqlStateStore
let seq = 0

beforeAll(async () => {
  persistDir = scratchDir('d1-adapter')
  await prepareLocalD1(persistDir)
  mf = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null, { status: 204 }) }',
    compatibilityDate: '2026-04-26',
    d1Databases: { DB: DATABASE_ID },
    defaultPersistRoot: join(persistDir, 'v3'),
  })
  d1 = (await mf.getD1Database('DB')) as unknown as D1DatabaseLike
  db = new D1SqlDatabase(d1)
  store = new SqlStateStore(db)
})

afterAll(async () => {
  await mf?.dispose()
  if (persistDir) removeScratch(persistDir)
})

async function newLink(size: number, maxDownloads: number): Promise<string> {
  const n = String(++seq).padStart(9, '0')
  await store.insertFile({
    id: `f${n}`,
    ownerId: 'owner',
    name: 'f.bin',
    size,
    contentType: 'application/octet-stream',
    sha256: null,
    objectKey: `files/f${n}`,
    createdAt: NOW,
    deletedAt: null,
    uploadRequestId: null,
  })
  await store.insertLink({
    id: `l${n}`,
    fileId: `f${n}`,
    ownerId: 'owner',
    issuerKeyId: 'owner',
    filename: null,
    message: null,
    passwordHash: null,
    maxDownloads,
    size,
    downloads: 0,
    charged: 0,
    refunded: 0,
    createdAt: NOW,
    notBefore: null,
    expiresAt: NOW + HOUR,
    revokedAt: null,
    lastDownloadAt: null,
  })
  return `l${n}`
}

describe('D1SqlDatabase on local D1', () => {
  test('finds the migrated schema', async () => {
    const tables = await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`, [])
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['api_keys', 'd1_migrations', 'files', 'links', 'settings', 'transfers']),
    )
  })

  test('first, all and batch change counts, including a guard that matched nothing', async () => {
    expect(await db.first('SELECT value FROM settings WHERE name = ?', ['absent'])).toBeNull()
    const changes = await db.batch([
      sql('INSERT INTO settings (name, value) VALUES (?, ?)', 'a', '1'),
      sql('INSERT INTO settings (name, value) SELECT ?, ? WHERE 1 = 0', 'b', '2'),
      sql('UPDATE settings SET value = ? WHERE name IN (?, ?)', '3', 'a', 'b'),
    ])
    expect(changes).toEqual([1, 0, 1])
    expect(await db.all('SELECT name, value FROM settings WHERE name IN (?, ?)', ['a', 'b'])).toEqual([{ name: 'a', value: '3' }])
    expect(await db.batch([])).toEqual([])
  })

  test('runs a batch as one transaction: a failing statement undoes the ones before it', async () => {
    await expect(
      db.batch([
        sql('INSERT INTO settings (name, value) VALUES (?, ?)', 'rolled-back', 'x'),
        // Violates the role CHECK of api_keys.
        sql(`INSERT INTO api_keys (id, name, role, hash, created_at) VALUES ('k', 'k', 'root', 'h', 0)`),
      ]),
    ).rejects.toThrow()
    expect(await db.first('SELECT 1 AS found FROM settings WHERE name = ?', ['rolled-back'])).toBeNull()
  })

  test('stores JavaScript numbers, which D1 binds as REAL, as integers in INTEGER columns', async () => {
    // D1 binds every number as REAL (typeof(?) is 'real'); the columns'
    // INTEGER affinity stores whole values as integers, so the counting SQL
    // compares and adds integers as it does on SQLite.
    expect(await db.first<{ t: string }>('SELECT typeof(?) AS t', [5])).toEqual({ t: 'real' })
    const link = await newLink(1000, 3)
    const row = await db.first<{ t: string; v: number }>('SELECT typeof(expires_at) AS t, expires_at AS v FROM links WHERE id = ?', [link])
    expect(row).toEqual({ t: 'integer', v: NOW + HOUR })
    const page = await store.listLinks({ limit: 1 })
    expect(page.items).toHaveLength(1)
  })
})

describe('SqlStateStore on local D1', () => {
  test('gives exactly one of 50 simultaneous fresh starts the last download', async () => {
    const link = await newLink(4096, 1)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.startTransfer({
          id: `race${String(i).padStart(6, '0')}`,
          linkId: link,
          start: 0,
          length: 4096,
          grant: 4096,
          mode: 'fresh',
          now: NOW,
          leaseUntil: NOW + 300_000,
          resumeGrace: HOUR,
        }),
      ),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    expect((await store.getLinkTarget(link))?.link.downloads).toBe(1)
  })

  test('cancelling a transfer that failed before its first byte gives the download back', async () => {
    const link = await newLink(4096, 1)
    const id = 'cancel0001'
    expect(
      await store.startTransfer({
        id,
        linkId: link,
        start: 0,
        length: 4096,
        grant: 4096,
        mode: 'fresh',
        now: NOW,
        leaseUntil: NOW + 300_000,
        resumeGrace: HOUR,
      }),
    ).toBe(true)
    await store.cancelTransfer(id)
    expect((await store.getLinkTarget(link))?.link.downloads).toBe(0)
  })

  test('sweeps a transfer whose lease ran out', async () => {
    const link = await newLink(4096, 1)
    const id = 'stale00001'
    expect(
      await store.startTransfer({
        id,
        linkId: link,
        start: 0,
        length: 4096,
        grant: 4096,
        mode: 'fresh',
        now: NOW,
        leaseUntil: NOW + 1000,
        resumeGrace: HOUR,
      }),
    ).toBe(true)
    const result = await store.sweep(NOW + 2000)
    expect(result.expiredTransfers).toBeGreaterThanOrEqual(1)
    expect(await db.first('SELECT 1 AS active FROM transfers WHERE id = ? AND state = ?', [id, 'active'])).toBeNull()
  })
})
