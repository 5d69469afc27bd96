import type { Context } from 'hono'
import { FuselinkError } from '../core/errors'
import { keptAddress, keptUserAgent, type LinkEvent, type LinkEventType, linkEvent, revokedEventId } from '../core/events/model'
import type { DownloadObserver } from '../core/link/download'
import type { Services } from './services'

/*
 * Recording a link's audit events from the HTTP side (docs/api.md, "Events").
 * Nothing here may delay an answer or make it fail: every write runs off the
 * response path (services.defer), and a write that fails is logged, never
 * surfaced. On Node, SQLite's group commit writes every event of an
 * event-loop round in the round's one transaction; on the Worker each
 * request's events go to D1 in one batch inside waitUntil.
 */

type Details = Partial<Pick<LinkEvent, 'id' | 'code' | 'bytes'>>

const REVOCATIONS_PER_BATCH = 500

/** An event of `c`'s request: its client's address (as EVENT_ADDRESS says) and User-Agent. */
function requestEvent(services: Services, c: Context, linkId: string, type: LinkEventType, details: Details = {}): LinkEvent {
  return linkEvent(linkId, type, services.clock.now(), {
    ...details,
    address: keptAddress(services.clientAddress(c), services.config.eventAddress),
    userAgent: keptUserAgent(c.req.header('user-agent')),
  })
}

/** Writes events; messages they queued are sent at once. Resolves either way. */
export function writeEvents(services: Services, c: Context, write: () => Promise<number>): Promise<void> {
  return write().then(
    (queued) => {
      if (queued > 0) services.sendWebhooks(c)
    },
    (error: unknown) => services.log('recording events failed', { error: String(error) }),
  )
}

/** Records one event of this request, off the response path. */
export function recordEvent(services: Services, c: Context, linkId: string, type: LinkEventType, details?: Details): void {
  const event = requestEvent(services, c, linkId, type, details)
  services.defer(
    c,
    writeEvents(services, c, () => services.events.recordEvents([event])),
  )
}

/** Records that these links were revoked (one `revoked` event per link, however often), off the response path. */
export function recordRevocations(services: Services, c: Context, linkIds: readonly string[]): void {
  if (linkIds.length === 0) return
  const events = linkIds.map((id) => requestEvent(services, c, id, 'revoked', { id: revokedEventId(id) }))
  services.defer(
    c,
    writeEvents(services, c, async () => {
      let queued = 0
      // A key may have issued many links: bounded batches, so that none holds the database long.
      for (let i = 0; i < events.length; i += REVOCATIONS_PER_BATCH)
        queued += await services.events.recordEvents(events.slice(i, i + REVOCATIONS_PER_BATCH))
      return queued
    }),
  )
}

/** The observer of one download: `download_started` or `resumed`, then `download_completed` or `download_cut`. */
export function downloadObserver(services: Services, c: Context): DownloadObserver {
  return {
    started(link, mode) {
      recordEvent(services, c, link.id, mode === 'fresh' ? 'download_started' : 'resumed')
    },
    // Part of the download's own `ended`, which the route already keeps alive.
    ended(link, sent, complete) {
      const event = requestEvent(services, c, link.id, complete ? 'download_completed' : 'download_cut', { bytes: sent })
      return writeEvents(services, c, () => services.events.recordEvents([event]))
    },
  }
}

/**
 * A refusal on a recipient route, recorded against its link when the token
 * named one: it verified, so the verifier remembers it and this costs no
 * second signature check. Bad tokens and the rate limiter name no link.
 */
export function recordRefusal(services: Services, c: Context, token: string, error: unknown): void {
  if (!(error instanceof FuselinkError) || error.code === 'invalid_token' || error.code === 'rate_limited') return
  const code = error.code
  services.defer(
    c,
    services.verifier.verify(token).then(
      (claims) => recordEvent(services, c, claims.jti, 'refused', { code }),
      () => {},
    ),
  )
}
