/**
 * What a small download and a link cost in SQLite, in one process, through the
 * service's own stores over a real database file (WAL, group commit):
 *
 *   - a download's writes: its counting batch (transfer row, link counter,
 *     settled at once as a small file is) and its two events, 17 in flight,
 *     with ids in time order as the service makes them (src/core/ids.ts
 *     newOrderedId) and, for comparison, with random ids;
 *   - issuing a link (the links row and its indexes);
 *   - reading a link and its file, as every download does first;
 *   - a 1 MiB grant to a large download under way (src/core/link/grants.ts),
 *     one at a time, as a single download asks for them.
 *
 * CPU per operation from process.cpuUsage() (user and system: the WAL writes
 * are system time), alternating rounds, medians. The tables grow over the
 * rounds as they do on a busy server.
 *
 *   npx tsx bench/sql-writes.ts [--rounds=5] [--count=20000]
 */
import { join } from 'node:path'
import { SqlStateStore } from '../src/adapters/sql-state'
import { SqlEventStore } from '../src/adapters/sql-state/events'
import { SqliteDatabase } from '../src/adapters/sqlite-database'
import { type LinkEventType, linkEvent } from '../src/core/events/model'
import { newId, newOrderedId } from '../src/core/ids'
import type { LinkRecord } from '../src/core/model'
import { applyMigrations } from '../src/node/migrate'
import { flag, median } from './lib/figures'
import { ROOT, tempDir } from './lib/processes'

const ROUNDS = Number(flag('rounds') ?? 5)
const COUNT = Number(flag('count') ?? 20_000)
const IN_FLIGHT = 17
const HOT_LINKS = 12
const SIZE = 1024

const sqlite = new SqliteDatabase(join(tempDir('sql-writes'), 'state.db'))
applyMigrations(sqlite.raw, join(ROOT, 'migrations'))
const store = new SqlStateStore(sqlite)
const events = new SqlEventStore(sqlite)

function linkRecord(id: string, fileId: string, now: number): LinkRecord {
  return {
    id,
    fileId,
    ownerId: 'bench',
    issuerKeyId: 'bench',
    filename: null,
    message: null,
    passwordHash: null,
    maxDownloads: 1_000_000,
    size: SIZE,
    downloads: 0,
    charged: 0,
    refunded: 0,
    createdAt: now,
    notBefore: null,
    expiresAt: now + 3600_000,
    revokedAt: null,
    lastDownloadAt: null,
  }
}

function insertFile(id: string, size: number, createdAt: number): Promise<void> {
  return store.insertFile({
    id,
    ownerId: 'bench',
    name: `${id}.bin`,
    size,
    contentType: 'application/octet-stream',
    sha256: null,
    objectKey: id,
    createdAt,
    deletedAt: null,
    uploadRequestId: null,
  })
}

const start = Date.now()
await insertFile('file', SIZE, start)
const hot = Array.from({ length: HOT_LINKS }, (_, i) => `hot${i}`)
for (const id of hot) await store.insertLink(linkRecord(id, 'file', start))

let served = 0

/** One small download's writes, as src/core/link/download.ts and src/http/events.ts ask for them. */
async function downloadWrites(orderedIds: boolean): Promise<void> {
  const linkId = hot[served++ % HOT_LINKS]!
  const now = Date.now()
  const id = orderedIds ? newOrderedId(now) : newId()
  const event = (type: LinkEventType, bytes?: number) =>
    linkEvent(linkId, type, now, {
      address: '127.0.0.0/24',
      userAgent: 'bench',
      ...(orderedIds ? {} : { id: newId() }),
      ...(bytes ? { bytes } : {}),
    })
  await Promise.all([
    store.startTransfer({
      id,
      linkId,
      start: 0,
      length: SIZE,
      grant: SIZE,
      sent: SIZE,
      mode: 'fresh',
      now,
      leaseUntil: now + 300_000,
      resumeGrace: 3600_000,
    }),
    events.recordEvents([event('download_started')]),
    events.recordEvents([event('download_completed', SIZE)]),
  ])
}

// One live transfer of a very large file, granted 1 MiB at a time.
const LARGE = 2 ** 40
await insertFile('large', LARGE, start)
await store.insertLink({ ...linkRecord('large', 'large', start), size: LARGE })
await store.startTransfer({
  id: 'live',
  linkId: 'large',
  start: 0,
  length: LARGE,
  grant: 0,
  mode: 'fresh',
  now: start,
  leaseUntil: start + 3600_000,
  resumeGrace: 3600_000,
})

const issue = () => store.insertLink(linkRecord(newId(), 'file', Date.now()))
const read = () => store.getLinkTarget(hot[served++ % HOT_LINKS]!).then(() => {})

async function grant(): Promise<void> {
  if ((await store.reserve('live', 1024 * 1024, Date.now() + 3600_000)) !== 'granted') throw new Error('the grant was refused')
}

/** CPU µs per operation, `COUNT` operations `inFlight` at a time. */
async function round(operation: () => Promise<void>, inFlight: number): Promise<number> {
  const cpu0 = process.cpuUsage()
  let left = COUNT
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await operation()
    }),
  )
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / COUNT
}

const cases: [string, () => Promise<void>, number][] = [
  ['download writes, ids in time order', () => downloadWrites(true), IN_FLIGHT],
  ['download writes, random ids', () => downloadWrites(false), IN_FLIGHT],
  ['issue a link', issue, IN_FLIGHT],
  ['read a link and its file', read, IN_FLIGHT],
  ['a 1 MiB grant, one at a time', grant, 1],
]
const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]))
for (const [, operation, inFlight] of cases) await round(operation, inFlight)
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? cases : [...cases].reverse()
  for (const [name, operation, inFlight] of order) samples.get(name)!.push(await round(operation, inFlight))
}
for (const [name, values] of samples)
  console.log(`${name.padEnd(36)} ${median(values).toFixed(1).padStart(6)} µs CPU (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})`)
sqlite.close()
