import { worker } from '../support/worker-service'
import { defineRotationSuite } from './suite'

defineRotationSuite(worker)
