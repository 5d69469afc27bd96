import { nodeS3 } from '../support/node-service'
import { defineByteBudgetSuite } from './budget'
import { defineRecipientHttpSuite } from './http'
import { defineScannerSuite } from './scanners'

defineRecipientHttpSuite(nodeS3)
defineScannerSuite(nodeS3)
defineByteBudgetSuite(nodeS3)
