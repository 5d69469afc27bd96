import { nodeDisk } from '../support/node-service'
import { defineGatewaySuite } from './suite'

defineGatewaySuite(nodeDisk)
