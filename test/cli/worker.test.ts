import { worker } from '../support/worker-service'
import { defineCliSuite } from './suite'

// The same commands against the Worker: workerd through Miniflare, a local D1, s3rver.
defineCliSuite(worker)
