import { sha256Hex } from './encoding'
import type { Role } from './model'

/*
 * What fuselink takes from a token of the trusted OpenID provider
 * (docs/sso.md): the role, and a username for a person seen for the first
 * time. Pure: the token is verified before any of this runs.
 */

/** A person at the provider: who issued, who it is there, and the rest of the token's claims. */
export interface Identity {
  issuer: string
  subject: string
  claims: Readonly<Record<string, unknown>>
}

const MAX_PATH_STEPS = 8

/**
 * The claim `name` names: the top-level claim of that exact name (Auth0's
 * namespaced claims are URLs with dots), else the dotted path into nested
 * objects (Keycloak's `realm_access.roles`).
 */
function claimAt(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name]
  const steps = name.split('.')
  if (steps.length > MAX_PATH_STEPS) return undefined
  let value: unknown = claims
  for (const step of steps) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, step)) return undefined
    value = (value as Record<string, unknown>)[step]
  }
  return value
}

/** `admin` when the role claim is the string `admin` or an array holding it; anything else, or no claim, is `user`. */
export function roleOf(claims: Readonly<Record<string, unknown>>, roleClaim: string): Role {
  const value = claimAt(claims, roleClaim)
  const isAdmin = value === 'admin' || (Array.isArray(value) && value.includes('admin'))
  return isAdmin ? 'admin' : 'user'
}

const USERNAME_CHARS = /[^A-Za-z0-9._-]+/g
const MAX_BASE = 48

/** The name the person goes by at the provider, reduced to username characters; null when nothing usable is left. */
function baseName(claims: Readonly<Record<string, unknown>>): string | null {
  const email = typeof claims.email === 'string' ? claims.email.split('@')[0] : undefined
  for (const candidate of [claims.preferred_username, email, claims.nickname]) {
    if (typeof candidate !== 'string') continue
    const cleaned = candidate
      .normalize('NFKD')
      .replace(USERNAME_CHARS, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, MAX_BASE)
    if (cleaned.length >= 3) return cleaned
  }
  return null
}

/**
 * Usernames to try, in order, for a person seen for the first time: the
 * name it goes by, then that name with a suffix drawn from `iss`+`sub`
 * (stable, so the same person gets the same one), then with `fresh` (for
 * the rare clash of that too). A name already taken is skipped by the
 * store, never taken over.
 */
export async function usernameCandidates(identity: Identity, fresh: string): Promise<string[]> {
  const digest = (await sha256Hex(`${identity.issuer}\n${identity.subject}`)).slice(0, 8)
  const base = baseName(identity.claims) ?? 'sso'
  return [...(baseName(identity.claims) ? [base] : []), `${base}-${digest}`, `${base}-${fresh.slice(0, 12)}`]
}
