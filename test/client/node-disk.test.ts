import { nodeDisk } from '../support/node-service'
import { defineClientSuite } from './suite'

defineClientSuite(nodeDisk)
