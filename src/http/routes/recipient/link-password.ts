import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { serialize } from 'hono/utils/cookie'
import { seconds } from '../../../core/clock'
import { FuselinkError } from '../../../core/errors'
import { newId } from '../../../core/ids'
import type { LinkRecord } from '../../../core/model'
import { PASSWORD_MAX_LENGTH } from '../../../core/password'
import { isExpired, signServiceToken, verifyServiceToken } from '../../../core/token/service-tokens'
import { secureCookies } from '../../auth/session-cookie'
import { checkPassword } from '../../passwords'
import type { Services } from '../../services'

// Link passwords on /d/ (docs/accounts.md, "Link passwords").

/** Programs send the password in this header, on any /d/ request. */
export const LINK_PASSWORD_HEADER = 'Link-Password'
/** The landing page's form field. */
export const PASSWORD_FIELD = 'password'
/** Lets the browser that started a download from the page resume it (scoped to the link's /d/ path). */
export const RESUME_COOKIE = 'fuselink_resume'
const RESUME_PROOF_TTL_S = 24 * 3600
const FORM_LIMIT = 16 * 1024
/** How a protected link was opened: with its password, or by the proof of a download started with it. */
export type Unlocked = 'password' | 'proof'

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/** The password field of a posted form (urlencoded, as the page sends, or multipart, as `curl -F` does), read within a small bound; null when absent. */
async function formPassword(c: Context): Promise<string | null> {
  const type = c.req.header('content-type') ?? ''
  if (c.req.method !== 'POST' || !FORM_TYPE.test(type)) return null
  const body = c.req.raw.body
  if (!body) return null
  const reader = body.getReader()
  const chunks: Uint8Array<ArrayBuffer>[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > FORM_LIMIT) {
      await reader.cancel()
      throw new FuselinkError('payload_too_large', `Forms are limited to ${FORM_LIMIT} bytes.`)
    }
    chunks.push(value)
  }
  const form = await new Response(new Blob(chunks), { headers: { 'content-type': type } }).formData().catch(() => {
    throw new FuselinkError('invalid_request', 'The form could not be read.')
  })
  const password = form.get(PASSWORD_FIELD)
  return typeof password === 'string' ? password : null
}

async function hasResumeProof(services: Services, c: Context, link: LinkRecord): Promise<boolean> {
  const proof = getCookie(c, RESUME_COOKIE)
  if (!proof) return false
  const claims = await verifyServiceToken(services.keys, 'resume', proof).catch(() => null)
  return claims !== null && claims.sub === link.id && !isExpired(claims, services.clock.now())
}

/**
 * Lets a request for a protected link through, or refuses it: missing
 * password 401 password_required, wrong 403 wrong_password, too many wrong
 * ones 429 — before anything is counted. A resume (`start` after byte 0)
 * may instead show the proof a POST with the password left in the browser:
 * the browser's own resume does not send the form again.
 */
export async function unlockLink(services: Services, c: Context, link: LinkRecord, start: number): Promise<Unlocked | null> {
  if (link.passwordHash === null) return null
  if (start > 0 && (await hasResumeProof(services, c, link))) return 'proof'
  const password = c.req.header(LINK_PASSWORD_HEADER) ?? (await formPassword(c))
  if (password === null || password === '') throw new FuselinkError('password_required', 'This link needs its password.')
  if (password.length > PASSWORD_MAX_LENGTH) throw new FuselinkError('wrong_password', 'That password is not right.')
  const stored = link.passwordHash
  const right =
    (await services.linkPasswords.known(link.id, password)) ||
    (await checkPassword(services, c, {
      scope: 'link',
      subject: link.id,
      password,
      stored,
      verify: () => services.linkPasswords.verify(link.id, password, stored),
    }))
  if (!right) throw new FuselinkError('wrong_password', 'That password is not right.')
  return 'password'
}

/**
 * The Set-Cookie of the resume proof: a short-lived token of its own type
 * naming the link, sent back only to this link's /d/ address and accepted
 * there only for a resume (a Range after byte 0), which draws on bytes the
 * link has already counted.
 */
export async function resumeProofCookie(services: Services, link: LinkRecord, token: string): Promise<string> {
  const iat = seconds(services.clock.now())
  const exp = Math.min(iat + RESUME_PROOF_TTL_S, seconds(link.expiresAt) + services.config.resumeGrace)
  const proof = await signServiceToken(services.keys, 'resume', { jti: newId(), sub: link.id, iat, exp })
  const base = new URL(services.config.publicUrl).pathname.replace(/\/$/, '')
  return serialize(RESUME_COOKIE, proof, {
    path: `${base}/d/${token}`,
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(services),
    maxAge: Math.max(1, exp - iat),
  })
}
