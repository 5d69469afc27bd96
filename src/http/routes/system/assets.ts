import { createRoute } from '@hono/zod-openapi'
import type { Asset } from '../../assets/asset'
import { ASSETS } from '../../assets/bundle.generated'
import type { RouteApp } from '../../openapi/routes'

const BY_FILE = new Map<string, Asset>(Object.values(ASSETS).map((asset) => [asset.file, asset]))

// The pages' scripts and stylesheets: part of the pages, not of the API, so
// not in its document. Their names change with their content, so they are
// cached for good.
export const route = createRoute({
  method: 'get',
  path: '/assets/{file}',
  hide: true,
  responses: { 200: { description: 'The asset.' } },
})

export function register(app: RouteApp) {
  app.openapi(route, (c) => {
    const asset = BY_FILE.get(c.req.param('file'))
    if (!asset) return c.notFound()
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable' })
  })
}
