import { worker } from '../support/worker-service'
import { defineAccountsSuite } from './suite'

// People on Cloudflare Workers: workerd through Miniflare, a local D1 migrated
// by `wrangler d1 migrations apply --local`, s3rver over HTTP.
defineAccountsSuite(worker)
