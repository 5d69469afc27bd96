import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { FuselinkError } from '../../../core/errors'
import type { DownloadDeps } from '../../../core/link/download'
import { observedLedger } from '../../observed-ledger'
import type { Services } from '../../services'

/**
 * On every recipient answer, pages, files and errors alike: keep it out of
 * search indexes, and tell caches the answer depends on who is asking (a
 * previewer or a prefetch gets the page, a person the file).
 */
export const recipientHeaders = createMiddleware(async (c, next) => {
  await next()
  c.res.headers.set('X-Robots-Tag', 'noindex, nofollow, noarchive')
  c.res.headers.set('Vary', 'User-Agent, Sec-Purpose, Purpose')
})

/** A bad token counts against the caller's address; past the limit it answers 429. */
export async function limited<T>(services: Services, c: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof FuselinkError && error.code === 'invalid_token' && services.limiter.fail(services.clientAddress(c))) {
      throw new FuselinkError('rate_limited')
    }
    throw error
  }
}

/** What a download needs; `onSettled` hears what its transfer sent (observed-ledger.ts). */
export function downloadDeps(services: Services, onSettled?: (sent: number) => void): DownloadDeps {
  return {
    state: observedLedger(services.state, services.metrics, onSettled),
    objects: services.objects,
    verifier: services.verifier,
    clock: services.clock,
    resumeGrace: services.config.resumeGrace * 1000,
    stallTimeout: services.config.stallTimeout * 1000,
    live: services.live,
  }
}

/**
 * The token in the path. Described as a plain parameter rather than a zod
 * schema: the token is checked by its signature (403 `invalid_token`), and the
 * download path, the hottest of the service, runs no validator.
 */
export const TOKEN_PARAM = {
  name: 'token',
  in: 'path' as const,
  required: true,
  description: 'The signed token of the link (at most 1 KiB). A token that does not verify answers 403 `invalid_token`.',
  schema: { type: 'string' as const },
}

/** What a link that can no longer start a download answers, on the page and on the file alike. */
export const LINK_REFUSALS = [
  'invalid_token',
  'link_not_yet_valid',
  'link_expired',
  'link_revoked',
  'download_limit_reached',
  'file_gone',
  'rate_limited',
] as const
