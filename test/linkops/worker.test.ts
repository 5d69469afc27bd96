import { worker } from '../support/worker-service'
import { defineLinkOpsSuite } from './suite'

// Changing links, unlimited links, events and webhooks on Cloudflare Workers:
// workerd through Miniflare, a local D1, s3rver over HTTP; webhooks sent from
// waitUntil to a receiver on loopback.
defineLinkOpsSuite(worker)
