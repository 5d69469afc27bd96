import { sweepUploads } from '../core/upload/sweep'
import type { Services } from './services'

const DAY_MS = 86_400_000

/**
 * The periodic work of both runtimes (a timer on Node, the cron trigger on
 * Workers), as of `now`: the ledger's sweep (docs/counting.md), ended
 * sessions and used setup and invite links, events and finished webhook
 * deliveries past EVENT_RETENTION, the link.expired notices
 * (docs/webhooks.md), and unfinished uploads past UPLOAD_TTL with their parts
 * (docs/uploads.md). Each step runs even when one before it failed;
 * resolves to the counts the steps report, and to how many messages were queued.
 */
export async function maintain(services: Services, now: number): Promise<Record<string, number>> {
  const retention = services.config.eventRetention * DAY_MS
  const steps: [string, () => Promise<number | Record<string, number> | null>][] = [
    ['expiredTransfers', async () => (await services.state.sweep(now)).expiredTransfers],
    ['accounts', () => services.state.sweepAccounts(now).then(() => null)],
    ['eventsRemoved', () => services.events.sweepEvents(now - retention)],
    ['deliveriesRemoved', () => services.webhooks.sweepDeliveries(now - retention)],
    ['queued', () => services.webhooks.noticeExpiries(now)],
    ['uploads', async () => ({ ...(await sweepUploads(services.state, services.objects, now, services.log)) })],
  ]
  const done: Record<string, number> = {}
  for (const [name, step] of steps) {
    try {
      const count = await step()
      if (typeof count === 'number') done[name] = count
      else if (count !== null) Object.assign(done, count)
    } catch (error) {
      services.log('sweep step failed', { step: name, error: String(error) })
    }
  }
  return done
}
