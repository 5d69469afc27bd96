import { worker } from '../support/worker-service'
import { defineByteBudgetSuite } from './budget'
import { defineRecipientHttpSuite } from './http'
import { defineScannerSuite } from './scanners'

defineRecipientHttpSuite(worker)
defineScannerSuite(worker)
defineByteBudgetSuite(worker)
