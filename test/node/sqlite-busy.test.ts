import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { nodeDisk, ROOT } from '../support/node-service'
import type { ServiceTarget } from '../support/target'

/*
 * Another process holding SQLite's write lock (a backup, an operator's
 * sqlite3 session): the server retries from its event loop for a bounded
 * time (src/adapters/sqlite-database.ts, BUSY_RETRY_MS = 5 s), so a short
 * hold only delays a change and a long one is a 503 storage_unavailable,
 * never a 500, with nothing half written.
 */

const BUSY_RETRY_MS = 5000

interface Lock {
  child: ChildProcess
  released: Promise<void>
}

/** A separate process that takes the write lock (BEGIN IMMEDIATE) and keeps it for `holdMs`. */
async function holdWriteLock(databasePath: string, holdMs: number): Promise<Lock> {
  const script = `
    const Database = require('better-sqlite3')
    const db = new Database(process.argv[1])
    db.exec('BEGIN IMMEDIATE')
    process.stdout.write('locked\\n')
    setTimeout(() => { db.exec('COMMIT'); db.close() }, Number(process.argv[2]))
  `
  const child = spawn(process.execPath, ['-e', script, databasePath, String(holdMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const released = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited ${code}`))))
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('error', reject)
  })
  return { child, released }
}

describe('SQLite busy: another process holds the write lock', () => {
  let target: ServiceTarget
  let api: Api
  let databasePath: string
  let fileId: string

  beforeAll(async () => {
    target = await nodeDisk.start({ env: { RATE_LIMIT: '0' } })
    databasePath = (await target.query<{ name: string; file: string }>('PRAGMA database_list')).find((db) => db.name === 'main')!.file
    api = new Api(target)
    fileId = (await api.upload('busy.bin', bytes(10_000, 3))).id
  })
  afterAll(async () => {
    await target?.stop()
  })

  test('a hold shorter than the retry bound only delays changes: the link is made and a download is counted', async () => {
    const link = await api.issue(fileId, { maxDownloads: 5 })
    const holdMs = 1500
    const lock = await holdWriteLock(databasePath, holdMs)
    const started = Date.now()
    const [created, download] = await Promise.all([
      api.request('POST', '/api/v1/links', { json: { fileId, expiresIn: 600 } }),
      fetch(link.downloadUrl),
    ])
    expect(created.status).toBe(201)
    expect(download.status).toBe(200)
    expect((await download.arrayBuffer()).byteLength).toBe(10_000)
    // They waited for the lock rather than failing at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(holdMs - 200)
    await lock.released
    expect((await api.link(link.id)).downloads).toBe(1)
    expect((await api.link((await created.json()).id)).downloads).toBe(0)
  })

  test('a hold past the bound answers 503 storage_unavailable with Retry-After, writes nothing, and the server carries on', async () => {
    const links = await target.query<{ n: number }>('SELECT COUNT(*) AS n FROM links')
    const lock = await holdWriteLock(databasePath, BUSY_RETRY_MS + 3000)
    const started = Date.now()
    const refused = await api.request('POST', '/api/v1/links', { json: { fileId, expiresIn: 600 } })
    const waited = Date.now() - started
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect((await refused.json()).code).toBe('storage_unavailable')
    expect(waited).toBeGreaterThanOrEqual(BUSY_RETRY_MS - 100)
    expect(waited).toBeLessThan(BUSY_RETRY_MS + 2500)
    await lock.released
    expect(await target.query<{ n: number }>('SELECT COUNT(*) AS n FROM links')).toEqual(links)
    expect((await api.request('GET', '/healthz')).status).toBe(200)
    await api.issue(fileId)
    expect(target.log()).not.toMatch(/unhandled error/)
  }, 30_000)
})
