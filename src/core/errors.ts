/** Every error the service reports, by its stable code (docs/api.md, "Errors"). */
const STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  password_required: 401,
  forbidden: 403,
  invalid_token: 403,
  link_not_yet_valid: 403,
  wrong_password: 403,
  not_found: 404,
  conflict: 409,
  link_expired: 410,
  link_revoked: 410,
  download_limit_reached: 410,
  file_gone: 410,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  rate_limited: 429,
  internal_error: 500,
  storage_unavailable: 503,
} as const

export type ErrorCode = keyof typeof STATUS

const TITLES: Record<ErrorCode, string> = {
  invalid_request: 'Invalid request',
  unauthorized: 'Unauthorized',
  password_required: 'Password required',
  forbidden: 'Forbidden',
  invalid_token: 'Invalid link',
  link_not_yet_valid: 'Link not yet valid',
  wrong_password: 'Wrong password',
  not_found: 'Not found',
  conflict: 'Conflict',
  link_expired: 'Link expired',
  link_revoked: 'Link revoked',
  download_limit_reached: 'Download limit reached',
  file_gone: 'File gone',
  payload_too_large: 'Payload too large',
  range_not_satisfiable: 'Range not satisfiable',
  rate_limited: 'Too many failed attempts',
  internal_error: 'Internal server error',
  storage_unavailable: 'Storage unavailable',
}

/** Every code in the table's order, with its status and title: what the OpenAPI document lists. */
export const ERROR_CODES = (Object.keys(STATUS) as ErrorCode[]).map((code) => ({ code, status: STATUS[code], title: TITLES[code] }))

/**
 * The one error type of the service. Routes throw it; the HTTP layer turns it
 * into RFC 9457 problem+json (or an HTML page for people) in exactly one place.
 */
export class FuselinkError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly title: string
  /** Seconds a refused client should wait (Retry-After), when the refusal knows. */
  readonly retryAfter: number | undefined

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(detail ?? TITLES[code], options)
    this.name = 'FuselinkError'
    this.code = code
    this.status = STATUS[code]
    this.title = TITLES[code]
    this.retryAfter = options?.retryAfter
  }
}

export interface Problem {
  type: string
  title: string
  status: number
  code: ErrorCode
  detail: string
}

export function toProblem(error: FuselinkError): Problem {
  return {
    type: `https://fuselink.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    code: error.code,
    detail: error.message,
  }
}

/** Raised while reading configuration: names the setting so start-up can say which one is wrong. */
export class ConfigError extends Error {
  readonly setting: string

  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`)
    this.name = 'ConfigError'
    this.setting = setting
  }
}
