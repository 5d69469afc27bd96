/*
 * How the app talks to the service: the same /api/v1 routes as any program,
 * authenticated by the session cookie (same origin, so the browser sends it
 * and the CSRF check sees Sec-Fetch-Site: same-origin). Addresses are
 * relative to the page at /.
 */

/** A refusal from the service (its problem+json), or `network` when it could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Seconds, from Retry-After. */
    readonly retryAfter: number | null,
  ) {
    super(detail)
    this.name = 'ApiError'
  }
}

export const networkError = () => new ApiError(0, 'network', 'The service could not be reached.', null)

/** The error a refused answer carries. */
export function problemFrom(status: number, body: string, retryAfter: string | null): ApiError {
  let problem: { code?: unknown; detail?: unknown } = {}
  try {
    problem = JSON.parse(body)
  } catch {
    // Not problem+json (a proxy's page): the status says enough.
  }
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null
  return new ApiError(
    status,
    typeof problem.code === 'string' ? problem.code : `http_${status}`,
    typeof problem.detail === 'string' ? problem.detail : '',
    seconds,
  )
}

let sessionLost: () => void = () => {}

/** Called when a signed-in request answers 401: the session ended (expired, signed out elsewhere). */
export function onSessionLost(handler: () => void): void {
  sessionLost = handler
}

export function reportSessionLost(): void {
  sessionLost()
}

export interface CallOptions {
  /** A 401 is a wrong password here, not a lost session (signing in, changing the password). */
  credentialsCheck?: boolean
}

export async function call<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw networkError()
  }
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T
  const error = problemFrom(response.status, await response.text(), response.headers.get('retry-after'))
  if (error.status === 401 && !options.credentialsCheck) sessionLost()
  throw error
}

export const get = <T>(path: string) => call<T>('GET', path)

/** Every item of a list, page after page, up to `most`. */
export async function all<T>(path: string, most = 1000): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const separator = path.includes('?') ? '&' : '?'
    const page: { items: T[]; nextCursor: string | null } = await get(
      `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor && items.length < most)
  return items
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60))

/** What went wrong, in one plain sentence for a person. */
export function sentence(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong in this page. Reload it and try again.'
  switch (error.code) {
    case 'network':
      return 'The service cannot be reached. Check your connection and try again.'
    case 'unauthorized':
      return 'Your session has ended. Sign in again.'
    case 'forbidden':
      return 'Your account is not allowed to do that.'
    case 'not_found':
      return 'It no longer exists; the list has been refreshed.'
    case 'conflict':
      return 'That name is already taken. Choose another.'
    case 'wrong_password':
      return 'The current password is not right.'
    case 'payload_too_large':
      return 'This is larger than the service accepts.'
    case 'rate_limited':
      return error.retryAfter
        ? `Too many attempts. Try again in ${minutes(error.retryAfter)} minute${minutes(error.retryAfter) === 1 ? '' : 's'}.`
        : 'Too many attempts. Wait a minute and try again.'
    case 'storage_unavailable':
      return 'Storage cannot be reached right now. Nothing was kept; try again in a moment.'
    case 'insufficient_storage':
      return 'The storage is full. Nothing was kept.'
    case 'invalid_request':
      return error.detail ? `The service refused this: ${error.detail.replace(/\.?$/, '.')}` : 'The service refused this request.'
    default:
      return error.status >= 500
        ? 'Something went wrong on the server. Try again in a moment.'
        : 'The service refused this request. Reload the page and try again.'
  }
}
