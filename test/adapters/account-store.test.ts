import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { SqlDatabase } from '../../src/adapters/sql'
import { SqlStateStore } from '../../src/adapters/sql-state'
import type { UserRecord } from '../../src/core/model'
import { ADDRESS_FAILURE_LIMIT, ATTEMPT_WINDOW_MS, SUBJECT_FAILURE_LIMIT } from '../../src/core/throttle'
import { type Backend, openD1, openSqlite } from '../support/databases'
import { removeScratch, scratchDir } from '../support/scratch'

// The account steps of sql-state/accounts.ts that must not race, on both
// databases the service runs on: each is one guarded statement or batch, so
// concurrent requests cannot spend a token twice or guess past a limit.
const NOW = 1_800_000_000_000
let seq = 0

const user = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  id: `u${String(++seq).padStart(9, '0')}`,
  username: `user${seq}`,
  role: 'user',
  passwordHash: null,
  createdAt: NOW,
  disabledAt: null,
  ...overrides,
})

describe.each([
  ['SQLite', openSqlite],
  ['D1', openD1],
] as const)('the account store on %s', (_, open) => {
  let dir: string
  let backend: Backend
  let db: SqlDatabase
  let store: SqlStateStore

  beforeAll(async () => {
    dir = scratchDir('accounts')
    backend = await open(dir)
    db = backend.db
    store = new SqlStateStore(db)
  }, 120_000)

  afterAll(async () => {
    await backend?.close()
    if (dir) removeScratch(dir)
  })

  beforeEach(async () => {
    await db.batch(
      ['sessions', 'used_tokens', 'auth_attempts', 'api_keys', 'users'].map((table) => ({ sql: `DELETE FROM ${table}`, params: [] })),
    )
  })

  test('the setup token makes exactly one first user, however many try at once, and none once a user exists', async () => {
    const use = { jti: 'setup00001', expiresAt: NOW + 3600_000 }
    const results = await Promise.all(Array.from({ length: 20 }, () => store.createFirstUser(user({ role: 'admin' }), use)))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await store.isTokenUsed(use.jti)).toBe(true)
    expect(await store.createFirstUser(user(), { jti: 'setup00002', expiresAt: NOW + 3600_000 })).toBe(false)
    expect((await store.listUsers({ limit: 10 })).items).toHaveLength(1)
  })

  test('different setup tokens at once still make one first user', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.createFirstUser(user({ role: 'admin' }), { jti: `setupr${i}`, expiresAt: NOW + 3600_000 }),
      ),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  test('usernames match without case; a taken one is refused', async () => {
    expect(await store.insertUser(user({ username: 'Alice' }))).toBe(true)
    expect(await store.insertUser(user({ username: 'aLICE' }))).toBe(false)
    expect((await store.findUserByName('ALICE'))?.username).toBe('Alice')
  })

  test('an invite is spent once: one of many acceptances sets the password', async () => {
    const invited = user()
    await store.insertUser(invited)
    const use = { jti: 'invite0001', expiresAt: NOW + 3600_000 }
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acceptInvite(invited.id, `hash-${i}`, use)))
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = results.indexOf(true)
    expect((await store.getUser(invited.id))?.passwordHash).toBe(`hash-${winner}`)
    // Nor does another invite for a user who has a password, or is disabled.
    expect(await store.acceptInvite(invited.id, 'again', { jti: 'invite0002', expiresAt: NOW + 3600_000 })).toBe(false)
    const off = user()
    await store.insertUser(off)
    await store.disableUser(off.id, NOW)
    expect(await store.acceptInvite(off.id, 'x', { jti: 'invite0003', expiresAt: NOW + 3600_000 })).toBe(false)
  })

  test(`at most ${SUBJECT_FAILURE_LIMIT + 1} concurrent guesses on one subject from one address are admitted; a new address gets one`, async () => {
    const attempt = (address: string) => ({ id: `a${++seq}`, scope: 'sign_in' as const, subject: 'alice', address, now: NOW })
    const results = await Promise.all(Array.from({ length: 40 }, () => store.beginAttempt(attempt('198.51.100.1'))))
    expect(results.filter((r) => r.admitted)).toHaveLength(SUBJECT_FAILURE_LIMIT + 1)
    const refused = results.find((r) => !r.admitted)
    expect(refused).toEqual({ admitted: false, retryAt: NOW + ATTEMPT_WINDOW_MS })
    expect((await store.beginAttempt(attempt('198.51.100.2'))).admitted).toBe(true)
    expect((await store.beginAttempt(attempt('198.51.100.2'))).admitted).toBe(false)
    // Another subject is not affected; a link of the same id is another scope.
    expect((await store.beginAttempt({ ...attempt('198.51.100.1'), subject: 'bob' })).admitted).toBe(true)
    expect((await store.beginAttempt({ ...attempt('198.51.100.1'), scope: 'link' })).admitted).toBe(true)
  })

  test('a forgotten attempt (the right password) does not count; failures leave the window after 15 minutes', async () => {
    const base = { scope: 'link' as const, subject: 'link000001', address: '198.51.100.9' }
    for (let i = 0; i < 30; i++) {
      const id = `ok${++seq}`
      expect((await store.beginAttempt({ ...base, id, now: NOW })).admitted).toBe(true)
      await store.forgetAttempt(id)
    }
    for (let i = 0; i <= SUBJECT_FAILURE_LIMIT; i++) await store.beginAttempt({ ...base, id: `f${++seq}`, now: NOW + i })
    expect((await store.beginAttempt({ ...base, id: `f${++seq}`, now: NOW + 100 })).admitted).toBe(false)
    expect((await store.beginAttempt({ ...base, id: `f${++seq}`, now: NOW + ATTEMPT_WINDOW_MS + 1 })).admitted).toBe(true)
  })

  test(`more than ${ADDRESS_FAILURE_LIMIT} failures from one address, on any subjects, refuse it until the oldest leaves the window`, async () => {
    const address = '198.51.100.77'
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.beginAttempt({ id: `p${++seq}`, scope: 'sign_in', subject: `name${i}`, address, now: NOW + i }),
      ),
    )
    expect(results.filter((r) => r.admitted)).toHaveLength(ADDRESS_FAILURE_LIMIT + 1)
    const refusal = await store.beginAttempt({ id: `p${++seq}`, scope: 'sign_in', subject: 'fresh', address, now: NOW + 1000 })
    expect(refusal.admitted).toBe(false)
    if (!refusal.admitted) expect(refusal.retryAt).toBeGreaterThan(NOW + ATTEMPT_WINDOW_MS - 1)
  })

  test('disabling a user ends its sessions and disables its keys in one step', async () => {
    const person = user()
    await store.insertUser(person)
    await store.insertSession({ id: 's000000001', userId: person.id, createdAt: NOW, expiresAt: NOW + 3600_000, revokedAt: null })
    await store.insertKey({
      id: 'k000000001',
      name: 'laptop',
      role: 'user',
      hash: 'h1',
      owner: { kind: 'user', id: person.id },
      createdAt: NOW,
      disabledAt: null,
    })
    expect((await store.findActiveSession('s000000001', NOW))?.user.id).toBe(person.id)
    expect(await store.disableUser(person.id, NOW + 1)).toBe(true)
    expect(await store.findActiveSession('s000000001', NOW + 2)).toBeNull()
    expect((await store.findKeyByHash('h1'))?.disabledAt).toBe(NOW + 1)
    expect(await store.disableUser('nosuchuser', NOW)).toBe(false)
  })

  test('sessions end when revoked or expired; the sweep drops them, spent tokens past expiry and old failures', async () => {
    const person = user()
    await store.insertUser(person)
    for (const id of ['s1', 's2', 's3'])
      await store.insertSession({ id, userId: person.id, createdAt: NOW, expiresAt: NOW + 1000, revokedAt: null })
    await store.revokeSessions(person.id, NOW, 's2')
    expect(await store.findActiveSession('s1', NOW)).toBeNull()
    expect(await store.findActiveSession('s2', NOW)).not.toBeNull()
    expect(await store.findActiveSession('s2', NOW + 1000)).toBeNull()
    await store.createFirstUser(user(), { jti: 'spent', expiresAt: NOW + 10 })
    await store.beginAttempt({ id: 'old', scope: 'sign_in', subject: 'x', address: 'y', now: NOW })
    await store.sweepAccounts(NOW + ATTEMPT_WINDOW_MS + 1)
    const left = async (table: string) => (await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`, []))[0]!.n
    expect(await left('sessions')).toBe(0)
    expect(await left('used_tokens')).toBe(0)
    expect(await left('auth_attempts')).toBe(0)
  })
})
