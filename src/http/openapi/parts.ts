import { z } from '@hono/zod-openapi'
import { ERROR_CODES, type ErrorCode } from '../../core/errors'
import { requireAdmin } from '../middleware/auth'
import { ProblemSchema } from '../schemas/problem'

const BY_CODE = new Map(ERROR_CODES.map((entry) => [entry.code, entry]))

/** The security requirement of every /api/v1 route: an API key as a bearer credential, or the session cookie. */
export const BEARER: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }]

/** The problems every API-key route can answer, besides its own. */
export const API_KEY_PROBLEMS = ['unauthorized', 'rate_limited'] as const satisfies readonly ErrorCode[]

/** The problems of every /api/v1 route that changes something: a change made with the session cookie from another site is 403. */
export const CHANGE_PROBLEMS = [...API_KEY_PROBLEMS, 'forbidden'] as const satisfies readonly ErrorCode[]

/**
 * Spread into an admin-only route: the check that answers 403 to `user`
 * keys (before any validation), and the mark the reference page shows.
 */
export const ADMIN_ONLY = { middleware: [requireAdmin], 'x-admin-only': true }

/** A required JSON request body, validated by `schema` (failures: 400 naming the field). */
export function jsonBody<Schema extends z.ZodType>(schema: Schema) {
  return { required: true, content: { 'application/json': { schema } } }
}

/** A JSON answer. */
export function json<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/** `Location` of a created resource. */
export const LOCATION = {
  Location: { description: 'The new resource.', schema: { type: 'string' as const } },
}

/**
 * The problem answers of a route, one per status, each listing the codes it
 * may carry. `internal_error` is added to every route: any of them may fail
 * on our side. `html`: recipient routes also answer people with a page.
 */
export function problems(codes: readonly ErrorCode[], options: { html?: boolean } = {}) {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of [...codes, 'internal_error' as const]) {
    const { status } = BY_CODE.get(code)!
    const list = byStatus.get(status) ?? []
    if (!list.includes(code)) list.push(code)
    byStatus.set(status, list)
  }
  const responses: Record<number, { description: string; content: Record<string, { schema: z.ZodType | { type: 'string' } }> }> = {}
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: list.map((code) => BY_CODE.get(code)!.title).join(', '),
      content: {
        'application/problem+json': {
          schema: ProblemSchema.extend({ status: z.literal(status), code: z.enum(list as [ErrorCode, ...ErrorCode[]]) }),
        },
        ...(options.html ? { 'text/html': { schema: { type: 'string' as const } } } : {}),
      },
    }
  }
  return responses
}
