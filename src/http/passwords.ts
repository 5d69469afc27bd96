import type { Context } from 'hono'
import { FuselinkError } from '../core/errors'
import { newId } from '../core/ids'
import { verifyNothing, verifyPassword } from '../core/password'
import { type AttemptScope, addressKey, retryAfterSeconds } from '../core/throttle'
import type { Services } from './services'

export interface PasswordAttempt {
  scope: AttemptScope
  /** The lower-cased username, or the link id. */
  subject: string
  password: string
  /** The stored hash; null when there is none to match (no such user), which still costs one verification. */
  stored: string | null
  /** How to verify, when not plainly against `stored` (a link's remembered passwords). */
  verify?: () => Promise<boolean>
}

/**
 * Checks a password under the throttle of src/core/throttle.ts: the attempt
 * is counted before the check (429 rate_limited, with Retry-After, when a
 * limit refuses it) and forgotten when the password is right. With nothing
 * stored the verification still runs, so that the answer takes the same time.
 */
export async function checkPassword(services: Services, c: Context, attempt: PasswordAttempt): Promise<boolean> {
  const id = newId()
  const now = services.clock.now()
  const admission = await services.state.beginAttempt({
    id,
    scope: attempt.scope,
    subject: attempt.subject,
    address: addressKey(services.clientAddress(c)),
    now,
  })
  if (!admission.admitted) {
    throw new FuselinkError('rate_limited', 'Too many wrong passwords: wait before trying again.', {
      retryAfter: retryAfterSeconds(admission.retryAt, now),
    })
  }
  const { stored, password } = attempt
  const right = attempt.verify
    ? await attempt.verify()
    : stored === null
      ? await verifyNothing(password)
      : await verifyPassword(password, stored)
  if (right) await services.state.forgetAttempt(id)
  return right
}
