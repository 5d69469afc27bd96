import { newId } from '../../core/ids'
import type { Role, SessionRecord, UserRecord } from '../../core/model'
import type { AccountStore, AttemptAdmission, ListQuery, Page, TokenUse } from '../../core/ports'
import { ADDRESS_FAILURE_LIMIT, ATTEMPT_WINDOW_MS, type Attempt, SUBJECT_FAILURE_LIMIT } from '../../core/throttle'
import { type SqlDatabase, sql } from '../sql'
import { pageAfter, toPage } from './pages'
import { type SessionRow, toSession, toUser, USER_COLUMNS, type UserRow } from './rows'

// Spends a single-use token when `guard` holds; `used_by` marks this spending
// so that the next statement of the batch can require it (docs/accounts.md).
const spend = (guard: string) => `INSERT OR IGNORE INTO used_tokens (jti, used_by, expires_at) SELECT ?, ?, ? WHERE ${guard}`
const SPENT_HERE = 'EXISTS (SELECT 1 FROM used_tokens WHERE jti = ? AND used_by = ?)'
const INVITABLE = 'id = ? AND disabled_at IS NULL AND password_hash IS NULL'

/** Users, sessions, single-use tokens and password attempts over SQL that SQLite and D1 both speak. */
export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: SqlDatabase) {}

  async insertUser(user: UserRecord): Promise<boolean> {
    const [inserted] = await this.db.batch([
      sql(
        `INSERT INTO users (id, username, role, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (username) DO NOTHING`,
        user.id,
        user.username,
        user.role,
        user.passwordHash,
        user.createdAt,
        user.disabledAt,
      ),
    ])
    return inserted === 1
  }

  async createFirstUser(user: UserRecord, use: TokenUse): Promise<boolean> {
    const mark = newId()
    const noUsers = 'NOT EXISTS (SELECT 1 FROM users)'
    const [, inserted] = await this.db.batch([
      sql(spend(noUsers), use.jti, mark, use.expiresAt),
      sql(
        `INSERT INTO users (id, username, role, password_hash, created_at, disabled_at)
         SELECT ?, ?, ?, ?, ?, ? WHERE ${noUsers} AND ${SPENT_HERE}`,
        user.id,
        user.username,
        user.role,
        user.passwordHash,
        user.createdAt,
        user.disabledAt,
        use.jti,
        mark,
      ),
    ])
    return inserted === 1
  }

  async hasUsers(): Promise<boolean> {
    return (await this.db.first('SELECT 1 AS found FROM users LIMIT 1', [])) !== null
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = await this.db.first<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, [id])
    return row ? toUser(row) : null
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    const row = await this.db.first<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = ?`, [username])
    return row ? toUser(row) : null
  }

  async listUsers(query: ListQuery): Promise<Page<UserRecord>> {
    const [after, afterParams] = pageAfter('u', query.cursor)
    const rows = await this.db.all<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE ${after} ORDER BY u.created_at DESC, u.id DESC LIMIT ?`,
      [...afterParams, query.limit + 1],
    )
    return toPage(rows, query.limit, toUser)
  }

  async disableUser(id: string, at: number): Promise<boolean> {
    await this.db.batch([
      sql('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', at, id),
      sql('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', at, id),
      sql(`UPDATE api_keys SET disabled_at = ? WHERE owner_kind = 'user' AND owner_id = ? AND disabled_at IS NULL`, at, id),
    ])
    return (await this.db.first('SELECT 1 AS found FROM users WHERE id = ?', [id])) !== null
  }

  async setPassword(userId: string, hash: string): Promise<void> {
    await this.db.batch([sql('UPDATE users SET password_hash = ? WHERE id = ?', hash, userId)])
  }

  async acceptInvite(userId: string, hash: string, use: TokenUse): Promise<boolean> {
    const mark = newId()
    const [, updated] = await this.db.batch([
      sql(spend(`EXISTS (SELECT 1 FROM users WHERE ${INVITABLE})`), use.jti, mark, use.expiresAt, userId),
      sql(`UPDATE users SET password_hash = ? WHERE ${INVITABLE} AND ${SPENT_HERE}`, hash, userId, use.jti, mark),
    ])
    return updated === 1
  }

  async findUserByIdentity(issuer: string, subject: string): Promise<UserRecord | null> {
    const row = await this.db.first<UserRow>(
      `SELECT ${USER_COLUMNS} FROM identities i JOIN users u ON u.id = i.user_id WHERE i.issuer = ? AND i.subject = ?`,
      [issuer, subject],
    )
    return row ? toUser(row) : null
  }

  async insertIdentityUser(user: UserRecord, issuer: string, subject: string): Promise<void> {
    // The user is added only while the person has none, and the identity
    // only if this very user was added: a taken username or a concurrent
    // first sight leaves both tables as they were.
    await this.db.batch([
      sql(
        `INSERT INTO users (id, username, role, password_hash, created_at, disabled_at)
         SELECT ?, ?, ?, NULL, ?, NULL WHERE NOT EXISTS (SELECT 1 FROM identities WHERE issuer = ? AND subject = ?)
         ON CONFLICT (username) DO NOTHING`,
        user.id,
        user.username,
        user.role,
        user.createdAt,
        issuer,
        subject,
      ),
      sql(
        `INSERT INTO identities (issuer, subject, user_id, created_at)
         SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)
         ON CONFLICT DO NOTHING`,
        issuer,
        subject,
        user.id,
        user.createdAt,
        user.id,
      ),
    ])
  }

  async setRole(userId: string, role: Role): Promise<void> {
    await this.db.batch([sql('UPDATE users SET role = ? WHERE id = ?', role, userId)])
  }

  async isTokenUsed(jti: string): Promise<boolean> {
    return (await this.db.first('SELECT 1 AS found FROM used_tokens WHERE jti = ?', [jti])) !== null
  }

  async insertSession(session: SessionRecord): Promise<void> {
    await this.db.batch([
      sql(
        'INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
        session.id,
        session.userId,
        session.createdAt,
        session.expiresAt,
        session.revokedAt,
      ),
    ])
  }

  async findActiveSession(id: string, now: number): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    const row = await this.db.first<SessionRow & { [K in keyof UserRow as `u_${K}`]: UserRow[K] }>(
      `SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at,
              u.id AS u_id, u.username AS u_username, u.role AS u_role, u.password_hash AS u_password_hash,
              u.created_at AS u_created_at, u.disabled_at AS u_disabled_at
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled_at IS NULL`,
      [id, now],
    )
    if (!row) return null
    return {
      session: toSession(row),
      user: toUser({
        id: row.u_id,
        username: row.u_username,
        role: row.u_role,
        password_hash: row.u_password_hash,
        created_at: row.u_created_at,
        disabled_at: row.u_disabled_at,
      }),
    }
  }

  async revokeSession(id: string, at: number): Promise<void> {
    await this.db.batch([sql('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id)])
  }

  async revokeSessions(userId: string, at: number, keep?: string): Promise<void> {
    await this.db.batch([
      sql('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?', at, userId, keep ?? ''),
    ])
  }

  async beginAttempt(a: Attempt): Promise<AttemptAdmission> {
    const since = a.now - ATTEMPT_WINDOW_MS
    const onAddress = 'FROM auth_attempts WHERE address = ? AND at > ?'
    const onSubject = 'FROM auth_attempts WHERE scope = ? AND subject = ? AND at > ?'
    const [inserted] = await this.db.batch([
      sql(
        `INSERT INTO auth_attempts (id, scope, subject, address, at) SELECT ?, ?, ?, ?, ?
         WHERE (SELECT COUNT(*) ${onAddress}) <= ?
           AND ((SELECT COUNT(*) ${onSubject}) <= ? OR NOT EXISTS (SELECT 1 ${onSubject} AND address = ?))`,
        a.id,
        a.scope,
        a.subject,
        a.address,
        a.now,
        a.address,
        since,
        ADDRESS_FAILURE_LIMIT,
        a.scope,
        a.subject,
        since,
        SUBJECT_FAILURE_LIMIT,
        a.scope,
        a.subject,
        since,
        a.address,
      ),
    ])
    if (inserted === 1) return { admitted: true }
    return { admitted: false, retryAt: await this.#retryAt(a, since) }
  }

  /** When the refused attempt would be admitted, if nothing else failed meanwhile. */
  async #retryAt(a: Attempt, since: number): Promise<number> {
    // The moment the count drops back to `limit`: when its (count - limit)th oldest failure leaves the window.
    const freedAt = async (where: string, params: (string | number)[], limit: number): Promise<number> => {
      const count = (await this.db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM auth_attempts WHERE ${where}`, params))?.n ?? 0
      if (count <= limit) return a.now
      const row = await this.db.first<{ at: number }>(`SELECT at FROM auth_attempts WHERE ${where} ORDER BY at LIMIT 1 OFFSET ?`, [
        ...params,
        count - limit - 1,
      ])
      return (row?.at ?? a.now) + ATTEMPT_WINDOW_MS
    }
    const address = await freedAt('address = ? AND at > ?', [a.address, since], ADDRESS_FAILURE_LIMIT)
    const subject = await freedAt('scope = ? AND subject = ? AND at > ?', [a.scope, a.subject, since], SUBJECT_FAILURE_LIMIT)
    // Or, for the subject's rule, when this address's own failures on it have all left the window.
    const own = await this.db.first<{ at: number | null }>(
      'SELECT MAX(at) AS at FROM auth_attempts WHERE scope = ? AND subject = ? AND address = ? AND at > ?',
      [a.scope, a.subject, a.address, since],
    )
    const ownFreed = own?.at == null ? a.now : own.at + ATTEMPT_WINDOW_MS
    return Math.max(address, Math.min(subject, ownFreed))
  }

  async forgetAttempt(id: string): Promise<void> {
    await this.db.batch([sql('DELETE FROM auth_attempts WHERE id = ?', id)])
  }

  async sweepAccounts(now: number): Promise<void> {
    await this.db.batch([
      sql('DELETE FROM sessions WHERE expires_at <= ? OR revoked_at IS NOT NULL', now),
      sql('DELETE FROM used_tokens WHERE expires_at <= ?', now),
      sql('DELETE FROM auth_attempts WHERE at <= ?', now - ATTEMPT_WINDOW_MS),
    ])
  }
}
