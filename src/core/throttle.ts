/*
 * How guessing passwords is slowed down (docs/accounts.md, "Throttling").
 * Every attempt is recorded as a failure before the password is checked, in
 * one statement that refuses it when a limit is passed, and forgotten when
 * the password was right: concurrent guesses count as they happen, and the
 * database holds the counts, so every process and isolate sees them.
 */

/** Failures older than this no longer count. */
export const ATTEMPT_WINDOW_MS = 15 * 60_000
/**
 * More failures than this on one subject (a username, a link) in the window,
 * and an address that has failed on it is refused; one that has not may try.
 */
export const SUBJECT_FAILURE_LIMIT = 10
/** More failures than this from one address in the window, on anything, and the address is refused. */
export const ADDRESS_FAILURE_LIMIT = 30

/** What is being guessed: an account's password (by username) or a link's. */
export type AttemptScope = 'sign_in' | 'link'

export interface Attempt {
  id: string
  scope: AttemptScope
  /** The username as typed, lower-cased (usernames match without case), or the link id. */
  subject: string
  /** The client, as addressKey() groups it. */
  address: string
  now: number
}

/** When a refused client may try again, in whole seconds from now (at least 1). */
export function retryAfterSeconds(retryAt: number, now: number): number {
  return Math.max(1, Math.ceil((retryAt - now) / 1000))
}

/**
 * The unit an address is counted in: an IPv4 address as it is, an IPv6
 * address by its /64, which one subscriber usually holds whole (counting
 * single IPv6 addresses would let one client rotate through billions).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!address.includes(':')) return address.slice(0, 64)
  const [head = '', tail = ''] = address.toLowerCase().split('::', 2)
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return address.slice(0, 64)
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
