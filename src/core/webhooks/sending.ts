import type { Clock } from '../clock'
import type { Log } from '../log'
import { ATTEMPT_TIMEOUT_MS, type WebhookDispatcher } from './dispatcher'

/** Sets a timer and returns what cancels it (Node's timers, unref'd, so they never hold the process). */
export type SetTimer = (run: () => void, ms: number) => () => void

/** The longest a Node process sleeps between looks at the outbox, whatever it expects. */
const MAX_SLEEP_MS = 60_000

/**
 * How a long-lived process (Node) sends webhooks: at once when something was
 * queued (`kick`), then again when the next retry is due, by a timer. One run
 * at a time; a kick during a run makes it look again when it ends.
 */
export class DeliveryLoop {
  #running = false
  #again = false
  #cancel: (() => void) | null = null
  #stopped = false

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
    private readonly setTimer: SetTimer,
    private readonly log: Log,
  ) {}

  kick(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    void this.#run()
  }

  async #run(): Promise<void> {
    this.#running = true
    this.#cancel?.()
    this.#cancel = null
    let next: number | null = null
    try {
      do {
        this.#again = false
        next = await this.dispatcher.deliverDue()
      } while (this.#again)
    } catch (error) {
      this.log('webhook delivery failed', { error: String(error) })
      next = this.clock.now() + MAX_SLEEP_MS
    } finally {
      this.#running = false
    }
    if (this.#stopped) return
    const wait = next === null ? MAX_SLEEP_MS : Math.min(Math.max(next - this.clock.now(), 0), MAX_SLEEP_MS)
    this.#cancel = this.setTimer(() => this.kick(), wait)
  }

  stop(): void {
    this.#stopped = true
    this.#cancel?.()
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * How a Worker sends webhooks, inside one waitUntil or one cron run: what is
 * due now (or by `dueBy`, the time a cron run was scheduled for), then what
 * falls due while an attempt could still finish before `deadline`, such as
 * the first retry 5 s after a receiver answered 500. The rest waits for the
 * next cron run.
 */
export async function deliverUntil(dispatcher: WebhookDispatcher, clock: Clock, deadline: number, dueBy?: number): Promise<void> {
  let next = await dispatcher.deliverDue(dueBy)
  while (next !== null && next + ATTEMPT_TIMEOUT_MS <= deadline) {
    // Never spin: a message due now but claimed elsewhere is looked at again shortly.
    await sleep(Math.max(next - clock.now(), 250))
    next = await dispatcher.deliverDue()
  }
}
