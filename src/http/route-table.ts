import type { RouteApp } from './openapi/routes'

/** What the app serves at a path, read once from its registered routes (docs/security.md, finding 9). */
export interface RouteTable {
  /** The methods a path is served with, HEAD with GET, sorted; empty for a path nothing serves. */
  allowed(path: string): string[]
  /** The media types the body of `method path` is declared with; empty when it declares none. */
  bodyTypes(method: string, path: string): string[]
}

/** A route path (`/files/:id` as Hono writes it, `/files/{id}` as OpenAPI does) as an anchored pattern. */
function pattern(path: string): RegExp {
  const source = path
    .split(/(:\w+|\{\w+\}|\*)/)
    .map((piece, i) => (i % 2 === 0 ? piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : piece === '*' ? '.*' : '[^/]+'))
    .join('')
  return new RegExp(`^${source}$`)
}

export function routeTable(app: RouteApp): RouteTable {
  // Middleware is registered for ALL methods; only handlers say what a path serves.
  const handlers = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => ({ method: route.method, path: pattern(route.path) }))
  const bodies = app.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === 'route' && definition.route.request?.body
      ? [
          {
            method: definition.route.method.toUpperCase(),
            path: pattern(definition.route.path),
            types: Object.keys(definition.route.request.body.content),
          },
        ]
      : [],
  )
  return {
    allowed(path) {
      const methods = new Set(handlers.filter((handler) => handler.path.test(path)).map((handler) => handler.method))
      if (methods.has('GET')) methods.add('HEAD')
      return [...methods].sort()
    },
    bodyTypes(method, path) {
      return bodies.find((body) => body.method === method && body.path.test(path))?.types ?? []
    },
  }
}
