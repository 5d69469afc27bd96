/**
 * What a download token says. Short claim names keep link URLs under 300
 * characters; a link's notBefore lives in the state store, like revocation.
 */
export interface LinkClaims {
  /** The link id. */
  jti: string
  /** The file id. */
  fid: string
  /** The download limit. */
  max: number
  iat: number
  exp: number
}

export const TOKEN_TYPE = 'fuselink+jwt'
/** Tokens are refused unparsed beyond this size (docs/api.md, "Tokens"). */
export const MAX_TOKEN_LENGTH = 1024

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

export function isLinkClaims(value: unknown): value is LinkClaims {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  return (
    typeof c.jti === 'string' &&
    c.jti.length > 0 &&
    c.jti.length <= 64 &&
    typeof c.fid === 'string' &&
    c.fid.length > 0 &&
    c.fid.length <= 64 &&
    typeof c.max === 'number' &&
    Number.isSafeInteger(c.max) &&
    c.max >= 1 &&
    isNumericDate(c.iat) &&
    isNumericDate(c.exp)
  )
}
