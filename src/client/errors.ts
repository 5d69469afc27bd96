import type { ProblemCode, Schemas } from './api.generated'

/** An error answer as the service sends it (RFC 9457), with any extra members it carries. */
export type Problem = Schemas['Problem'] & Record<string, unknown>

/**
 * The service refused: it answered with a problem whose `code` is stable
 * (docs/api.md, "Errors"). Branch on `code`, never on `detail`.
 */
export class FuselinkApiError<Code extends ProblemCode = ProblemCode> extends Error {
  override readonly name = 'FuselinkApiError'
  readonly status: number
  readonly code: Code
  readonly title: string
  readonly detail: string
  readonly problem: Problem

  constructor(problem: Problem & { code: Code }) {
    super(`${problem.detail} (${problem.code})`)
    this.problem = problem
    this.status = problem.status
    this.code = problem.code
    this.title = problem.title
    this.detail = problem.detail
  }
}

/**
 * No answer from fuselink: the network failed, or what answered is not the
 * service (a proxy's error page, another site). `status` is set when
 * something answered.
 */
export class FuselinkConnectionError extends Error {
  override readonly name = 'FuselinkConnectionError'
  readonly status: number | undefined

  constructor(message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, { cause: options.cause })
    this.status = options.status
  }
}

/** Whether `error` is the service refusing with one of `codes`. */
export function isProblem<Code extends ProblemCode>(error: unknown, ...codes: Code[]): error is FuselinkApiError<Code> {
  return error instanceof FuselinkApiError && (codes.length === 0 || codes.includes(error.code as Code))
}
