import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, Services } from '../services'

/** The app every route registers on. */
export type RouteApp = OpenAPIHono<AppEnv>

/** A route file: its OpenAPI definition and the handler it registers for it. */
export interface RouteModule {
  register(app: RouteApp, services: Services): void
}
