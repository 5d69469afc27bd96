import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { type D1DatabaseLike, D1SqlDatabase } from '../../src/adapters/d1-database'
import type { SqlDatabase } from '../../src/adapters/sql'
import { SqlStateStore } from '../../src/adapters/sql-state'
import { SqliteDatabase } from '../../src/adapters/sqlite-database'
import { giveBackCap } from '../../src/core/link/policy'
import type { TransferStart } from '../../src/core/ports'
import { applyMigrations } from '../../src/node/migrate'
import { WRANGLER_CONFIG } from '../../tools/workerd/runtime'
import { removeScratch, scratchDir } from '../support/scratch'
import { prepareLocalD1 } from '../support/worker-service'

// The counting steps of sql-state/ledger.ts, unchanged, on the two databases the
// service runs on: a better-sqlite3 file migrated as the Node entry does, and
// a local D1 (Miniflare) migrated by `wrangler d1 migrations apply --local`.
const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url))
const MiB = 1024 * 1024
const NOW = 1_800_000_000_000
const HOUR = 3600_000

interface Backend {
  db: SqlDatabase
  close(): Promise<void>
}

async function openSqlite(dir: string): Promise<Backend> {
  const sqlite = new SqliteDatabase(join(dir, 'state.db'))
  applyMigrations(sqlite.raw, MIGRATIONS)
  return { db: sqlite, close: async () => sqlite.close() }
}

async function openD1(dir: string): Promise<Backend> {
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

let seq = 0

// Random runs per database: each D1 call crosses into workerd, so fewer there,
// and a generous time limit (about 2,000 D1 round trips on a shared machine).
describe.each([
  ['SQLite', openSqlite, 60],
  ['D1', openD1, 10],
] as const)('counting steps of the SQL state store on %s', (_, open, randomRuns) => {
  let dir: string
  let backend: Backend
  let db: SqlDatabase
  let store: SqlStateStore

  beforeAll(async () => {
    dir = scratchDir('state')
    backend = await open(dir)
    db = backend.db
    store = new SqlStateStore(db)
  }, 120_000)

  afterAll(async () => {
    await backend?.close()
    if (dir) removeScratch(dir)
  })

  // Every test starts from empty tables: the sweep works on all rows.
  beforeEach(async () => {
    await db.batch(['transfers', 'links', 'files'].map((table) => ({ sql: `DELETE FROM ${table}`, params: [] })))
  })

  async function newLink(size: number, maxDownloads = 1, expiresAt = NOW + HOUR): Promise<string> {
    const id = `l${String(++seq).padStart(9, '0')}`
    const fileId = `f${String(seq).padStart(9, '0')}`
    await store.insertFile({
      id: fileId,
      ownerId: 'owner',
      name: 'f.bin',
      size,
      contentType: 'application/octet-stream',
      sha256: null,
      objectKey: fileId,
      createdAt: NOW,
      deletedAt: null,
      uploadRequestId: null,
    })
    await store.insertLink({
      id,
      fileId,
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
      expiresAt,
      revokedAt: null,
      lastDownloadAt: null,
    })
    return id
  }

  function start(linkId: string, mode: 'fresh' | 'resume', from: number, length: number, grant: number, now = NOW): TransferStart {
    return {
      id: `t${String(++seq).padStart(9, '0')}`,
      linkId,
      start: from,
      length,
      grant,
      mode,
      now,
      leaseUntil: now + 5 * 60_000,
      resumeGrace: HOUR,
    }
  }

  /** What the budget guards see: left must never go negative, nor the allowance. */
  async function budget(linkId: string, cap: number) {
    const row = await db.first<{ downloads: number; left: number; given: number }>(
      `SELECT l.downloads AS downloads,
              l.downloads * l.size - l.charged - (SELECT COALESCE(SUM(CASE WHEN t.state = 'active' THEN t.reserved ELSE t.sent - t.given_back END), 0) FROM transfers t WHERE t.link_id = l.id) AS left,
              l.refunded + (SELECT COALESCE(SUM(t.given_back), 0) FROM transfers t WHERE t.link_id = l.id) AS given
       FROM links l WHERE l.id = ?`,
      [linkId],
    )
    return { downloads: row!.downloads, left: row!.left, allowance: cap - row!.given }
  }

  test('a fresh download counts once and holds only its first chunk, so resumes that fit are admitted', async () => {
    const size = 64 * MiB
    const link = await newLink(size)
    const first = start(link, 'fresh', 0, size, 256 * 1024)
    expect(await store.startTransfer(first)).toBe(true)
    expect(await budget(link, giveBackCap(size))).toMatchObject({ downloads: 1, left: size - 256 * 1024 })
    // aria2c's second connection, from the middle, while the first runs.
    expect(await store.startTransfer(start(link, 'resume', 32 * MiB, 32 * MiB, 256 * 1024))).toBe(true)
    // A resume bigger than what is left is refused.
    expect(await store.startTransfer(start(link, 'resume', 1, size - 1, 256 * 1024))).toBe(false)
  })

  test('with one download left, exactly one of 100 fresh starts wins', async () => {
    const link = await newLink(1000)
    const results = await Promise.all(Array.from({ length: 100 }, () => store.startTransfer(start(link, 'fresh', 0, 1000, 1000))))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect((await budget(link, 1000)).downloads).toBe(1)
  })

  test('grants stop at the budget: after a complete download nothing more is granted or admitted', async () => {
    const size = 10 * MiB
    const link = await newLink(size)
    const t = start(link, 'fresh', 0, size, MiB)
    await store.startTransfer(t)
    for (let granted = MiB; granted < size; granted += MiB) expect(await store.reserve(t.id, MiB, NOW)).toBe('granted')
    expect(await store.reserve(t.id, 1, NOW)).toBe('stopped') // its own end
    await store.settleTransfer(t.id, size)
    expect(await budget(link, giveBackCap(size))).toMatchObject({ left: 0 })
    expect(await store.startTransfer(start(link, 'resume', 1, size - 1, MiB))).toBe(false)
    expect(await store.makeRoom(link, 1, giveBackCap(size))).toBe(false)
  })

  test("a cut transfer's bytes past a resume's start are given back, at most min(size, 16 MiB) over the link's life", async () => {
    const size = 64 * MiB
    const cap = giveBackCap(size)
    const link = await newLink(size)
    const cut = start(link, 'fresh', 0, size, 30 * MiB)
    await store.startTransfer(cut)
    await store.settleTransfer(cut.id, 30 * MiB)
    // The client saw 25 MiB of the 30 MiB sent: resuming there needs the 5 MiB back.
    const resumeAt = 25 * MiB
    expect(await store.startTransfer(start(link, 'resume', resumeAt, size - resumeAt, MiB))).toBe(false)
    expect(await store.makeRoom(link, resumeAt, cap)).toBe(true)
    expect(await budget(link, cap)).toMatchObject({ left: size - 25 * MiB, allowance: cap - 5 * MiB })
    // Resuming from byte 1 asks for the rest of what was sent: only the allowance comes back.
    expect(await store.makeRoom(link, 1, cap)).toBe(true)
    expect(await budget(link, cap)).toMatchObject({ allowance: 0 })
    expect(await store.makeRoom(link, 1, cap)).toBe(false)
  })

  test('a live transfer that reached past a resume start stops there, and is settled exactly', async () => {
    const size = 64 * MiB
    const cap = giveBackCap(size)
    const link = await newLink(size)
    const stalled = start(link, 'fresh', 0, size, 4 * MiB)
    await store.startTransfer(stalled)
    for (let i = 0; i < 6; i++) expect(await store.reserve(stalled.id, 4 * MiB, NOW)).toBe('granted') // 28 MiB granted
    // Its client died at 25 MiB; the server has not noticed. The resume from 25 MiB does not fit...
    const resume = start(link, 'resume', 25 * MiB, size - 25 * MiB, MiB)
    expect(await store.startTransfer(resume)).toBe(false)
    // ...until the live transfer's grant past 25 MiB is given back, which also stops it there.
    expect(await store.makeRoom(link, 25 * MiB, cap)).toBe(true)
    expect(await store.startTransfer(resume)).toBe(true)
    expect(await store.reserve(stalled.id, 1, NOW)).toBe('stopped')
    // It had really sent 27 MiB: 2 MiB stay given back, the rest of what was set aside returns.
    await store.settleTransfer(stalled.id, 27 * MiB)
    expect(await budget(link, cap)).toMatchObject({ allowance: cap - 2 * MiB, left: size - 25 * MiB - MiB })
  })

  test("a completed transfer's bytes past another transfer's start are given back, never past a resume point", async () => {
    // aria2c takes over the last MiB of a segment the server had already
    // sent in full (the client had not read it yet): both copies are complete,
    // and the duplicate must not starve the last segment of the file.
    const size = 64 * MiB
    const cap = giveBackCap(size)
    const link = await newLink(size)
    const segment = start(link, 'fresh', 0, 32 * MiB, 32 * MiB)
    await store.startTransfer(segment)
    await store.settleTransfer(segment.id, 32 * MiB)
    expect(await store.makeRoom(link, 31 * MiB, cap)).toBe(false)
    const tail = start(link, 'resume', 31 * MiB, MiB, MiB)
    expect(await store.startTransfer(tail)).toBe(true)
    await store.settleTransfer(tail.id, MiB)
    const rest = start(link, 'resume', 32 * MiB, 32 * MiB, MiB)
    expect(await store.startTransfer(rest)).toBe(false)
    expect(await store.makeRoom(link, 32 * MiB, cap)).toBe(true)
    expect(await budget(link, cap)).toMatchObject({ left: 32 * MiB, allowance: cap - MiB })
    expect(await store.startTransfer(rest)).toBe(true)
    // Nothing else duplicates anything: no more comes back.
    expect(await store.makeRoom(link, null, cap)).toBe(false)
  })

  test('a failure before the first byte undoes the count, unless a resume started on the strength of it', async () => {
    const link = await newLink(1000)
    const failed = start(link, 'fresh', 0, 1000, 1000)
    await store.startTransfer(failed)
    await store.cancelTransfer(failed.id)
    expect((await budget(link, 1000)).downloads).toBe(0)

    const counted = start(link, 'fresh', 0, 1000, 100)
    await store.startTransfer(counted)
    expect(await store.startTransfer(start(link, 'resume', 900, 100, 100))).toBe(true)
    await store.cancelTransfer(counted.id)
    expect(await budget(link, 1000)).toMatchObject({ downloads: 1 })
  })

  test('an expired lease is settled as cut after all it was granted, and folding keeps the budget', async () => {
    const size = 8 * MiB
    const link = await newLink(size, 2)
    const crashed = start(link, 'fresh', 0, size, 2 * MiB)
    await store.startTransfer(crashed)
    const done = start(link, 'fresh', 0, size, size)
    await store.startTransfer(done)
    await store.settleTransfer(done.id, size)
    const before = await budget(link, giveBackCap(size))
    expect(before.left).toBe(2 * size - 2 * MiB - size)
    expect(await store.sweep(NOW + 6 * 60_000)).toEqual({ expiredTransfers: 1 })
    expect(await store.reserve(crashed.id, 1, NOW)).toBe('stopped')
    expect(await budget(link, giveBackCap(size))).toEqual(before)
    // A day later both rows are folded into the link's totals: same budget, no rows.
    await store.sweep(NOW + 25 * HOUR)
    expect(await budget(link, giveBackCap(size))).toEqual(before)
    expect(await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM transfers', [])).toEqual({ n: 0 })
  })

  test('random interleavings never let more than N x size + min(size, 16 MiB) out, nor overdraw the budget', async () => {
    let seed = 20261129
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const pick = (n: number) => Math.floor(random() * n)
    for (let run = 0; run < randomRuns; run++) {
      const size = [1000, 50_000, 20 * MiB][run % 3]!
      const maxDownloads = 1 + pick(3)
      const cap = giveBackCap(size)
      const link = await newLink(size, maxDownloads)
      const live: { id: string; length: number; granted: number; sent: number }[] = []
      let out = 0
      for (let step = 0; step < 80; step++) {
        const action = pick(6)
        if (action === 0 || live.length === 0) {
          const from = pick(3) === 0 ? 0 : pick(size)
          const length = size - from
          const grant = Math.min(length, 1 + pick(Math.max(1, size >> 3)))
          const t = start(link, from === 0 || pick(4) === 0 ? 'fresh' : 'resume', from, length, grant)
          if (!(await store.startTransfer(t))) {
            if (t.mode === 'resume') await store.makeRoom(link, from, cap)
            continue
          }
          live.push({ id: t.id, length, granted: grant, sent: 0 })
        } else {
          const i = pick(live.length)
          const t = live[i]!
          if (action <= 2) {
            // Send some of what was granted.
            const n = pick(t.granted - t.sent + 1)
            t.sent += n
            out += n
          } else if (action === 3) {
            const ask = 1 + pick(Math.max(1, size >> 2))
            if (t.granted + ask <= t.length && (await store.reserve(t.id, ask, NOW)) === 'granted') t.granted += ask
          } else if (action === 4) {
            await store.makeRoom(link, null, cap)
          } else {
            await store.settleTransfer(t.id, t.sent)
            live.splice(i, 1)
          }
        }
        const state = await budget(link, cap)
        expect(state.left).toBeGreaterThanOrEqual(0)
        expect(state.allowance).toBeGreaterThanOrEqual(0)
        expect(state.downloads).toBeLessThanOrEqual(maxDownloads)
        expect(out).toBeLessThanOrEqual(state.downloads * size + cap)
      }
    }
  }, 240_000)
})
