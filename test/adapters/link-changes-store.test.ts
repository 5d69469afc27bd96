import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { SqlDatabase } from '../../src/adapters/sql'
import { SqlEventStore, SqlStateStore } from '../../src/adapters/sql-state'
import { linkEvent } from '../../src/core/events/model'
import type { TransferStart } from '../../src/core/ports'
import { type Backend, openD1, openSqlite } from '../support/databases'
import { removeScratch, scratchDir } from '../support/scratch'

// Unlimited links, PATCH's guarded limit and the events' own rules, on the two
// databases the service runs on. The counting guards of limited links are
// held by state-store.test.ts, unchanged.
const NOW = 1_800_000_000_000
const HOUR = 3600_000
const DAY = 24 * HOUR

let seq = 0

describe.each([
  ['SQLite', openSqlite],
  ['D1', openD1],
] as const)('links that change, and their events, on %s', (_, open) => {
  let dir: string
  let backend: Backend
  let db: SqlDatabase
  let store: SqlStateStore
  let events: SqlEventStore

  beforeAll(async () => {
    dir = scratchDir('linkops-store')
    backend = await open(dir)
    db = backend.db
    store = new SqlStateStore(db)
    events = new SqlEventStore(db)
  }, 120_000)

  afterAll(async () => {
    await backend?.close()
    if (dir) removeScratch(dir)
  })

  async function newLink(size: number, maxDownloads: number | null): Promise<string> {
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
      expiresAt: NOW + HOUR,
      revokedAt: null,
      lastDownloadAt: null,
    })
    return id
  }

  const start = (linkId: string, mode: 'fresh' | 'resume', from: number, length: number, grant: number): TransferStart => ({
    id: `t${String(++seq).padStart(9, '0')}`,
    linkId,
    start: from,
    length,
    grant,
    mode,
    now: NOW,
    leaseUntil: NOW + 5 * 60_000,
    resumeGrace: HOUR,
  })

  test('an unlimited link counts every download and grants every byte asked, with no budget', async () => {
    const size = 10_000
    const link = await newLink(size, null)
    for (let i = 0; i < 25; i++) {
      const t = start(link, 'fresh', 0, size, 1000)
      expect(await store.startTransfer(t)).toBe(true)
      expect(await store.reserve(t.id, size - 1000, NOW)).toBe('granted')
      await store.settleTransfer(t.id, i % 2 === 0 ? size : 10)
    }
    // Resumes of any size, as many as asked: nothing is refused for bytes.
    for (let i = 0; i < 10; i++) {
      const t = start(link, 'resume', 10, size - 10, size - 10)
      expect(await store.startTransfer(t)).toBe(true)
      await store.settleTransfer(t.id, size - 10)
    }
    const after = (await store.getLinkTarget(link))!.link
    expect(after.maxDownloads).toBeNull()
    expect(after.downloads).toBe(25)
    expect(after.lastDownloadAt).toBe(NOW)
  })

  test("a lower limit holds only if no more downloads were counted meanwhile; the token's claims stay unless reissued", async () => {
    const link = await newLink(100, 5)
    for (let i = 0; i < 3; i++) await store.settleTransfer((await admitted(link)).id, 100)
    expect(await store.updateLink(link, { maxDownloads: 2 })).toBe(false)
    expect((await store.getLinkTarget(link))!.link.maxDownloads).toBe(5)
    expect(await store.updateLink(link, { maxDownloads: 3, note: 'three' })).toBe(true)
    const changed = (await store.getLinkTarget(link))!.link
    expect(changed).toMatchObject({ maxDownloads: 3, note: 'three', downloads: 3 })
    expect(changed.token).toEqual({ version: 0, issuedAt: NOW, expiresAt: NOW + HOUR, maxDownloads: 5 })
    expect(await store.startTransfer(start(link, 'fresh', 0, 100, 100))).toBe(false)
    const token = { version: 1, issuedAt: NOW + 1000, expiresAt: NOW + 2 * HOUR, maxDownloads: 4 }
    expect(await store.updateLink(link, { maxDownloads: 4, expiresAt: NOW + 2 * HOUR, token })).toBe(true)
    expect((await store.getLinkTarget(link))!.link).toMatchObject({ maxDownloads: 4, expiresAt: NOW + 2 * HOUR, token })
    expect(await store.startTransfer(start(link, 'fresh', 0, 100, 100))).toBe(true)
  })

  async function admitted(link: string) {
    const t = start(link, 'fresh', 0, 100, 100)
    expect(await store.startTransfer(t)).toBe(true)
    return t
  }

  test('exhausted is recorded once per limit, however many writers notice it', async () => {
    const link = await newLink(100, 1)
    await store.settleTransfer((await admitted(link)).id, 100)
    const started = linkEvent(link, 'download_started', NOW, {})
    await events.recordEvents([started])
    await events.recordEvents([linkEvent(link, 'download_started', NOW + 1, {})])
    await events.noticeExhaustion(link, NOW + 2)
    const types = (await events.listEvents(link, { limit: 50 })).items.map((e) => e.type).sort()
    expect(types).toEqual(['download_started', 'download_started', 'exhausted'])
    // Raised, then used up again: a second exhaustion at the new limit.
    await store.updateLink(link, { maxDownloads: 2 })
    await store.settleTransfer((await admitted(link)).id, 100)
    await events.noticeExhaustion(link, NOW + 3)
    expect((await events.listEvents(link, { limit: 50 })).items.filter((e) => e.type === 'exhausted')).toHaveLength(2)
  })

  test('the retention sweep removes events older than the cutoff and keeps the rest', async () => {
    const link = await newLink(100, null)
    const old = Array.from({ length: 5 }, (_, i) => linkEvent(link, 'page_viewed', NOW - 91 * DAY + i, {}))
    const recent = Array.from({ length: 3 }, (_, i) => linkEvent(link, 'page_viewed', NOW - DAY + i, {}))
    await events.recordEvents([...old, ...recent])
    expect(await events.sweepEvents(NOW - 90 * DAY)).toBeGreaterThanOrEqual(5)
    const kept = (await events.listEvents(link, { limit: 50 })).items
    expect(kept.map((e) => e.id).sort()).toEqual(recent.map((e) => e.id).sort())
  })
})
