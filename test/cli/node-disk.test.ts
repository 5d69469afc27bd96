import { nodeDisk } from '../support/node-service'
import { defineCliSuite } from './suite'

defineCliSuite(nodeDisk)
