import { worker } from '../support/worker-service'
import { defineContractSuite } from './suite'

// The whole contract on Cloudflare Workers: workerd through Miniflare, a local
// D1 migrated by `wrangler d1 migrations apply --local`, s3rver over HTTP.
defineContractSuite(worker)
