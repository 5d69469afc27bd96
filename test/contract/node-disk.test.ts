import { nodeDisk } from '../support/node-service'
import { defineContractSuite } from './suite'

defineContractSuite(nodeDisk)
