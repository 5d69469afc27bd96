import { Hono } from 'hono'
import type { Asset } from '../assets/asset'
import { ASSETS } from '../assets/bundle.generated'
import type { AppEnv } from '../services'

const BY_FILE = new Map<string, Asset>(Object.values(ASSETS).map((asset) => [asset.file, asset]))

/** The pages' scripts and stylesheets. Their names change with their content, so they are cached for good. */
export function assetRoutes() {
  return new Hono<AppEnv>().get('/assets/:file', (c) => {
    const asset = BY_FILE.get(c.req.param('file'))
    if (!asset) return c.notFound()
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable' })
  })
}
