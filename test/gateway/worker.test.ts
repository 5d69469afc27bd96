import { worker } from '../support/worker-service'
import { defineGatewaySuite } from './suite'

defineGatewaySuite(worker)
