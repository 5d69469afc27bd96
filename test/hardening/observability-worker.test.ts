import { worker } from '../support/worker-service'
import { defineObservabilitySuite } from './observability'

defineObservabilitySuite(worker)
