import { z } from '@hono/zod-openapi'
import { ERROR_CODES, type ErrorCode } from '../../core/errors'

/** Every code of src/core/errors.ts, each with its title and status: a new code appears here by itself. */
const ProblemCode = z
  .union(
    ERROR_CODES.map(({ code, status, title }) => z.literal(code).openapi({ title, description: `HTTP ${status}` })) as unknown as [
      z.ZodLiteral<ErrorCode>,
      ...z.ZodLiteral<ErrorCode>[],
    ],
  )
  .openapi({ description: 'Stable, machine-readable: branch on this, not on `title` or `detail`.' })

/** RFC 9457 problem details, as every error answers (src/http/problem.ts). */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: 'A URI naming the kind of problem.', example: 'https://fuselink.dev/problems/not-found' }),
    title: z.string().openapi({ description: 'A short summary of the kind of problem.', example: 'Not found' }),
    status: z.number().int().openapi({ description: 'The HTTP status, repeated.', example: 404 }),
    code: ProblemCode,
    detail: z.string().openapi({ description: 'What went wrong with this request, for people.', example: 'No such file.' }),
  })
  .openapi('Problem', { description: 'An error, as `application/problem+json` (RFC 9457).' })
