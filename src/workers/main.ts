import { Hono } from 'hono'
import { ConfigError, FuselinkError } from '../core/errors'
import { secretValues } from '../core/settings'
import { startupFailureLine } from '../core/startup-failure'
import { type App, createApp } from '../http/app'
import { problemResponse } from '../http/problem'
import type { Services } from '../http/services'
import { keepContentLength } from './content-length'
import { buildServices } from './services'
import type { Env } from './settings'

interface Ready {
  services: Services
  app: App
}

// Built once per isolate: importing keys and creating the S3 client is work
// no request should repeat. A configuration error is kept too (it cannot get
// better without a new deployment, which is a new isolate); anything else is
// retried by the next request.
let ready: Promise<Ready> | undefined

function prepare(env: Env): Promise<Ready> {
  if (!ready) {
    const building = buildServices(env).then((services) => ({ services, app: createApp(services) }))
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
 * problem+json 500 (or the HTML error page for people on recipient routes),
 * through the app's one error path, naming the setting but not its value.
 */
function refuse(error: unknown, request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
  const detail =
    error instanceof ConfigError
      ? `This service is not configured: ${error.setting} is missing or invalid. Its operator can read why in the Worker's logs.`
      : "This service could not start. Its operator can read why in the Worker's logs."
  const refusal = new FuselinkError('internal_error', detail)
  return new Hono().all('*', (c) => problemResponse(c, refusal)).fetch(request, env, ctx)
}

export default {
  async fetch(request, env, ctx) {
    let app: App
    try {
      ;({ app } = await prepare(env))
    } catch (error) {
      report(error, env)
      return refuse(error, request, env, ctx)
    }
    return keepContentLength(await app.fetch(request, env, ctx))
  },

  /** The cron trigger of wrangler.toml: settles dead transfers and drops rows past retention. */
  async scheduled(controller, env) {
    let services: Services
    try {
      ;({ services } = await prepare(env))
    } catch (error) {
      report(error, env)
      throw error
    }
    // The time the run was scheduled for, not its start: the same for every
    // retry of one run, and a test can pass any time it needs.
    const result = await services.state.sweep(controller.scheduledTime)
    await services.state.sweepAccounts(controller.scheduledTime)
    services.log('sweep done', { ...result })
  },
} satisfies ExportedHandler<Env>
