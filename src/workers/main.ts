import { Hono } from 'hono'
import { systemClock } from '../core/clock'
import { ConfigError, FuselinkError } from '../core/errors'
import { secretValues } from '../core/settings'
import { startupFailureLine } from '../core/startup-failure'
import { deliverUntil } from '../core/webhooks/sending'
import { type App, createApp } from '../http/app'
import { maintain } from '../http/maintenance'
import { securityHeaders } from '../http/middleware/security-headers'
import { problemResponse } from '../http/problem'
import { keepContentLength } from './content-length'
import { buildServices, type WorkerRuntime } from './services'
import type { Env } from './settings'

interface Ready extends WorkerRuntime {
  app: App
}

// Built once per isolate: importing keys and creating the S3 client is work
// no request should repeat. A configuration error is kept too (it cannot get
// better without a new deployment, which is a new isolate); anything else is
// retried by the next request.
let ready: Promise<Ready> | undefined

/** How long one cron run keeps sending webhooks: until about when the next run starts. */
const CRON_SENDS_FOR_MS = 50_000

function prepare(env: Env): Promise<Ready> {
  if (!ready) {
    const building = buildServices(env).then((runtime) => ({ ...runtime, app: createApp(runtime.services) }))
    building.catch((error: unknown) => {
      if (!(error instanceof ConfigError) && ready === building) ready = undefined
    })
    ready = building
  }
  return ready
}

/** The one start-up failure line, on the Worker's log (it cannot exit: every request is refused instead). */
function report(error: unknown, env: Env): void {
  console.error(startupFailureLine(error, secretValues(env)))
}

/**
 * Every request gets the same refusal while the Worker cannot start: a
 * problem+json 500 (or the HTML error page for people on recipient routes)
 * with the security headers of every answer, through the app's one error
 * path. It says nothing of the configuration to whoever asks; the log line
 * names the setting for the operator (docs/security.md, finding 9).
 */
const REFUSAL = new FuselinkError('internal_error', "This service is not available. Its operator can read why in the Worker's logs.")
const refusing = new Hono().use(securityHeaders).all('*', (c) => problemResponse(c, REFUSAL))

function refuse(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
  return refusing.fetch(request, env, ctx)
}

export default {
  async fetch(request, env, ctx) {
    let app: App
    try {
      ;({ app } = await prepare(env))
    } catch (error) {
      report(error, env)
      return refuse(request, env, ctx)
    }
    return keepContentLength(await app.fetch(request, env, ctx))
  },

  /**
   * The cron trigger of wrangler.toml: settles dead transfers, drops rows past
   * retention, notices expired links, removes expired uploads, and sends the
   * webhook outbox.
   */
  async scheduled(controller, env) {
    let runtime: Ready
    try {
      runtime = await prepare(env)
    } catch (error) {
      report(error, env)
      throw error
    }
    const { services, dispatcher } = runtime
    // The time the run was scheduled for, not its start: the same for every
    // retry of one run, and a test can pass any time it needs.
    const result = await maintain(services, controller.scheduledTime)
    services.log('sweep done', { ...result })
    // Every message due by then; and those falling due within the minute
    // until the next run, so that retries keep their schedule.
    await deliverUntil(dispatcher, systemClock, systemClock.now() + CRON_SENDS_FOR_MS, controller.scheduledTime)
  },
} satisfies ExportedHandler<Env>
