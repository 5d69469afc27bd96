import type { Role, SessionRecord, UserRecord } from '../model'
import type { Attempt } from '../throttle'
import type { ListQuery, Page } from './records'

/** A single-use token (setup, invite) as it is spent: its jti, kept until its expiry. */
export interface TokenUse {
  jti: string
  expiresAt: number
}

/** Whether an attempt may go on to check its password, and if not, from when it may. */
export type AttemptAdmission = { admitted: true } | { admitted: false; retryAt: number }

/**
 * Users, their sessions, single-use tokens and password attempts
 * (docs/accounts.md). Each step that must not race is one atomic statement
 * or batch, as the ledger's are.
 */
export interface AccountStore {
  /** Adds a user; false when the username is taken (usernames match without case). */
  insertUser(user: UserRecord): Promise<boolean>
  /** Spends the setup token and adds the first user, only while there is no user at all; false otherwise. */
  createFirstUser(user: UserRecord, use: TokenUse): Promise<boolean>
  /** Whether any user exists (the setup link works only while none does). */
  hasUsers(): Promise<boolean>
  getUser(id: string): Promise<UserRecord | null>
  findUserByName(username: string): Promise<UserRecord | null>
  listUsers(query: ListQuery): Promise<Page<UserRecord>>
  /** Disables the user, ends its sessions and disables its keys, at once; false when there is no such user. */
  disableUser(id: string, at: number): Promise<boolean>
  setPassword(userId: string, hash: string): Promise<void>
  /**
   * Spends an invite and sets the password of the user it names, only if
   * that user is enabled and has no password yet; false otherwise (the
   * invite is then spent too, or was already).
   */
  acceptInvite(userId: string, hash: string, use: TokenUse): Promise<boolean>
  /** The user made for the provider's person `issuer`+`subject` (docs/sso.md), disabled or not. */
  findUserByIdentity(issuer: string, subject: string): Promise<UserRecord | null>
  /**
   * Adds `user` for the provider's person `issuer`+`subject`, in one step:
   * nothing when that person has a user already (a concurrent first sight),
   * nor when the username is taken (an existing user is never taken over).
   */
  insertIdentityUser(user: UserRecord, issuer: string, subject: string): Promise<void>
  /** The provider says what a signed-on user's role is. */
  setRole(userId: string, role: Role): Promise<void>
  /** Whether a single-use token's jti has been spent. */
  isTokenUsed(jti: string): Promise<boolean>

  insertSession(session: SessionRecord): Promise<void>
  /** The session and its user, if the session is neither revoked nor expired and the user is enabled. */
  findActiveSession(id: string, now: number): Promise<{ session: SessionRecord; user: UserRecord } | null>
  revokeSession(id: string, at: number): Promise<void>
  /** Ends every session of the user, but `keep` when given. */
  revokeSessions(userId: string, at: number, keep?: string): Promise<void>

  /** Records the attempt as a failure unless a limit refuses it (src/core/throttle.ts), in one statement. */
  beginAttempt(attempt: Attempt): Promise<AttemptAdmission>
  /** The attempt's password was right: it is not a failure. */
  forgetAttempt(id: string): Promise<void>
  /** Drops ended sessions, spent tokens past their expiry and failures out of the window. */
  sweepAccounts(now: number): Promise<void>
}
