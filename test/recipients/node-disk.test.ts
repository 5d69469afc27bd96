import { nodeDisk } from '../support/node-service'
import { defineByteBudgetSuite } from './budget'
import { defineRecipientHttpSuite } from './http'
import { defineScannerSuite } from './scanners'

defineRecipientHttpSuite(nodeDisk)
defineScannerSuite(nodeDisk)
defineByteBudgetSuite(nodeDisk)
