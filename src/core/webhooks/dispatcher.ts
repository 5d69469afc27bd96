import { type Clock, seconds } from '../clock'
import type { Log } from '../log'
import type { WebhookStore, WebhookTransport } from '../ports'
import type { DueDelivery } from './events'
import { checkReceiver, type ReceiverPolicy } from './receivers'
import { signWebhook } from './signature'

/**
 * Seconds to wait after each failed attempt: the Standard Webhooks example
 * schedule, 8 attempts over about 27.5 hours. The first retry comes within
 * 30 s, so that a receiver that was briefly down loses no time.
 */
export const RETRY_DELAYS_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const
/** How long a receiver has to answer, body included (the specification suggests 15 to 30 s). */
export const ATTEMPT_TIMEOUT_MS = 15_000
/** A claimed attempt belongs to its sender this long; then another may take it (the sender died). */
const CLAIM_MS = ATTEMPT_TIMEOUT_MS + 45_000
/** Attempts in flight at once per run. */
const PARALLEL = 4

export interface DispatcherDeps {
  store: WebhookStore
  transport: WebhookTransport
  policy: ReceiverPolicy
  clock: Clock
  log: Log
  /** In [0, 1): spreads retries so that many failures do not come back at the same moment. */
  random?: () => number
}

/**
 * Sends what the outbox holds (docs/webhooks.md, "Retries"). Every attempt is
 * claimed in the database first, so the Worker's waitUntil and its cron, or
 * two Node processes, never send one attempt twice; each is signed afresh
 * with its own timestamp, to the address the receiver check allowed.
 */
export class WebhookDispatcher {
  readonly #deps: DispatcherDeps

  constructor(deps: DispatcherDeps) {
    this.#deps = deps
  }

  /**
   * Attempts every message due by `dueBy` (now, unless a cron run says
   * otherwise). Resolves to when the next pending message is due (null: none).
   */
  async deliverDue(dueBy = this.#deps.clock.now()): Promise<number | null> {
    const due = await this.#deps.store.dueDeliveries(dueBy, 50)
    const queue = [...due]
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.#deliver(next)
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker))
    return this.#deps.store.nextDueAt()
  }

  async #deliver(delivery: DueDelivery): Promise<void> {
    const { store, clock, log } = this.#deps
    if (!(await store.claimDelivery(delivery.id, delivery.dueAt, clock.now() + CLAIM_MS))) return
    let outcome: { status: number | null; error: string | null }
    try {
      outcome = await this.#attempt(delivery)
    } catch (error) {
      outcome = { status: null, error: `could not send: ${error instanceof Error ? error.message : String(error)}` }
    }
    const now = clock.now()
    const attempts = delivery.attempts + 1
    const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300
    // 410 Gone: the receiver says it wants no more of this (Standard Webhooks).
    const delay = delivered || outcome.status === 410 ? undefined : RETRY_DELAYS_S[attempts - 1]
    const jitter = 1 + 0.1 * (this.#deps.random ?? Math.random)()
    await store.finishAttempt(delivery.id, {
      status: outcome.status,
      error: delivered ? null : outcome.error,
      deliveredAt: delivered ? now : null,
      nextAttemptAt: delay === undefined ? null : now + Math.round(delay * 1000 * jitter),
    })
    if (!delivered) log('webhook attempt failed', { delivery: delivery.id, attempts, status: outcome.status, error: outcome.error })
  }

  async #attempt(delivery: DueDelivery): Promise<{ status: number | null; error: string | null }> {
    const { transport, policy, clock } = this.#deps
    const receiver = await checkReceiver(new URL(delivery.url), policy, (host) => transport.resolve(host))
    if (!receiver.ok) return { status: null, error: `refused: ${receiver.reason}` }
    const timestamp = seconds(clock.now())
    const result = await transport.send({
      url: delivery.url,
      address: receiver.address,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'fuselink-webhooks',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': await signWebhook(delivery.secret, delivery.id, timestamp, delivery.body),
      },
      body: delivery.body,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
    })
    if (result.status !== null && (result.status < 200 || result.status >= 300)) {
      return { status: result.status, error: `the receiver answered ${result.status}` }
    }
    return result
  }
}
