import { worker } from '../support/worker-service'
import { defineSsoSuite } from './suite'

// workerd reaches the provider on loopback with its own fetch.
defineSsoSuite(worker)
