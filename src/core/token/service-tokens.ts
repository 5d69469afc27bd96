import { SignJWT } from 'jose'
import { FuselinkError } from '../errors'
import type { KeyRing } from './keys'
import { verifyTypedToken } from './verify'

/*
 * The service's other tokens, each of its own `typ`: none is accepted where
 * a download token (`fuselink+jwt`) is expected, nor a download token here,
 * nor one of these where another is (docs/accounts.md).
 */
export const SERVICE_TOKEN_TYPES = {
  /** The session cookie. */
  session: 'fuselink-session+jwt',
  /** An invite: the user it names chooses a password. */
  invite: 'fuselink-invite+jwt',
  /** The first start's setup link: whoever opens it creates the first admin. */
  setup: 'fuselink-setup+jwt',
  /** Lets a browser resume, with a Range, a password-protected download it started from the page. */
  resume: 'fuselink-resume+jwt',
  /** A browser's sign-in at the OpenID provider under way: its state, nonce and PKCE verifier (docs/sso.md). */
  sso: 'fuselink-sso+jwt',
} as const

export type ServiceTokenKind = keyof typeof SERVICE_TOKEN_TYPES

export interface ServiceClaims {
  /** Unique per token: a session's id, an invite's single use. */
  jti: string
  /** Whom or what it is for: a user id, a link id; `setup` for the setup token. */
  sub: string
  iat: number
  exp: number
}

const ID = /^[A-Za-z0-9_-]{1,64}$/

function isServiceClaims(value: unknown): value is ServiceClaims {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  const date = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
  return typeof c.jti === 'string' && ID.test(c.jti) && typeof c.sub === 'string' && ID.test(c.sub) && date(c.iat) && date(c.exp)
}

export async function signServiceToken(ring: KeyRing, kind: ServiceTokenKind, claims: ServiceClaims): Promise<string> {
  const { signing } = ring
  return new SignJWT({})
    .setProtectedHeader({ alg: signing.alg, typ: SERVICE_TOKEN_TYPES[kind], kid: signing.kid })
    .setJti(claims.jti)
    .setSubject(claims.sub)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(signing.signingKey)
}

/**
 * The claims of a token of `kind` signed by the ring, or 403 invalid_token.
 * Time is the caller's to judge (`isExpired`): an expired invite answers
 * differently from a forged one.
 */
export async function verifyServiceToken(ring: KeyRing, kind: ServiceTokenKind, token: string): Promise<ServiceClaims> {
  const claims = await verifyTypedToken(ring, token, SERVICE_TOKEN_TYPES[kind])
  if (!isServiceClaims(claims)) throw new FuselinkError('invalid_token', 'The token payload is incomplete.')
  return claims
}

/** Whether a token's `exp` (seconds) has passed at `now` (milliseconds). */
export function isExpired(claims: Pick<ServiceClaims, 'exp'>, now: number): boolean {
  return now >= claims.exp * 1000
}
