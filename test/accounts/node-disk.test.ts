import { nodeDisk } from '../support/node-service'
import { defineAccountsSuite } from './suite'

defineAccountsSuite(nodeDisk)
