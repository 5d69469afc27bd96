import type { Context } from 'hono'
import { FuselinkError } from '../../../core/errors'
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../core/password'
import { isExpired, type ServiceClaims, type ServiceTokenKind, verifyServiceToken } from '../../../core/token/service-tokens'
import { isSameOrigin } from '../../auth/same-origin'
import { USERNAME } from '../../schemas/account'
import type { Services } from '../../services'

// What the setup and invite pages share: their single-use token, and their form.

/** The token in the path: one of ours of `kind` (else 403 invalid_token, which counts against the address), and its claims. */
export async function pageToken(services: Services, c: Context, kind: ServiceTokenKind): Promise<ServiceClaims> {
  try {
    return await verifyServiceToken(services.keys, kind, c.req.param('token') ?? '')
  } catch (error) {
    if (services.limiter.fail(services.clientAddress(c))) throw new FuselinkError('rate_limited')
    throw error
  }
}

/** Whether a verified single-use token can no longer be used: past its expiry, or spent. */
export async function tokenGone(services: Services, claims: ServiceClaims): Promise<boolean> {
  return isExpired(claims, services.clock.now()) || (await services.state.isTokenUsed(claims.jti))
}

export interface PageForm {
  username: string
  password: string
}

/**
 * The form a page posted: same-origin (CSRF: else 403 forbidden), its
 * fields read as text. Bodies are bounded by the app (formLimit).
 */
export async function readPageForm(services: Services, c: Context): Promise<PageForm> {
  if (!isSameOrigin(c, services)) throw new FuselinkError('forbidden', 'This form can only be sent from its own page.')
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return { username: text(body.username).trim(), password: text(body.password) }
}

/** Why a chosen username cannot be used, or null. */
export function usernameProblem(username: string): string | null {
  return USERNAME.test(username) ? null : 'A username has 3 to 64 letters, digits, ".", "_" or "-".'
}

/** The password's hash, or why it cannot be used. */
export async function choosePassword(password: string): Promise<{ hash: string } | { problem: string }> {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    return { problem: `A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` }
  }
  return { hash: await hashPassword(password) }
}

const PAGE = { 'text/html': { schema: { type: 'string' as const } } }

/** The OpenAPI answers of the pages, beside their problems. */
export const PAGE_ANSWERS = {
  form: { description: 'The form.', content: PAGE },
  gone: { description: 'The link has expired, was already used, or no longer applies: a page that says so.', content: PAGE },
  refused: { description: 'A field cannot be used: the form again, saying why.', content: PAGE },
  done: { description: 'Done, and signed in: the session cookie is set, and the browser goes to the app (`Location: /`).' },
}

/** The path parameter of both pages. */
export const PAGE_TOKEN_PARAM = {
  name: 'token',
  in: 'path' as const,
  required: true,
  description: 'The single-use token from the printed or sent link.',
  schema: { type: 'string' as const },
}
