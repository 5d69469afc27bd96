import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { FuselinkError } from '../core/errors'

/** zod validation whose failures become 400 invalid_request naming the first bad field. */
export function valid<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0]
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
      throw new FuselinkError('invalid_request', `${where}${issue?.message ?? 'invalid input'}`)
    }
  })
}
