import type { LinkEvent } from '../events/model'
import type { Page } from './records'

/**
 * The links' audit events, and the webhook messages some of them cause
 * (docs/webhooks.md). Each call is one batch: an event and the messages it
 * queues are written together or not at all.
 */
export interface EventStore {
  /**
   * Writes the events (an id already present is kept as it was). With a
   * `download_completed`, queues `download.completed` for every webhook of
   * the link's owner that asked for it. With a `download_started`, checks
   * whether that download was the link's last: if the link is exhausted it
   * records `exhausted` (once per limit) and queues `link.exhausted`.
   * Resolves to the number of messages queued.
   */
  recordEvents(events: LinkEvent[]): Promise<number>
  /** The exhaustion check alone, for a limit lowered to the downloads already counted. */
  noticeExhaustion(linkId: string, at: number): Promise<number>
  /** A link's events, newest first. */
  listEvents(linkId: string, query: { limit: number; cursor?: string }): Promise<Page<LinkEvent>>
  /** Removes events recorded before `before`, a bounded number per call; resolves to how many. */
  sweepEvents(before: number): Promise<number>
}
