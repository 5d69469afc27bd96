import { worker } from '../support/worker-service'
import { defineClientSuite } from './suite'

// The same calls against the Worker: workerd through Miniflare, a local D1, s3rver;
// webhooks sent from waitUntil to a receiver on loopback.
defineClientSuite(worker)
