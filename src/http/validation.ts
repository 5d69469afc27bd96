import type { ZodError } from 'zod'
import { FuselinkError } from '../core/errors'

/**
 * The defaultHook of the app: a request that fails its route's zod schema
 * becomes 400 invalid_request naming the first bad field, through the one
 * error path (problem.ts).
 */
export function validationHook(result: { success: true } | { success: false; error: ZodError }): void {
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    throw new FuselinkError('invalid_request', `${where}${issue?.message ?? 'invalid input'}`)
  }
}
