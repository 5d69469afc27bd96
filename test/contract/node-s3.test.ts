import { nodeS3 } from '../support/node-service'
import { defineContractSuite } from './suite'

defineContractSuite(nodeS3)
