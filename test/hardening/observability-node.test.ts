import { nodeDisk } from '../support/node-service'
import { defineMetricsOffSuite, defineObservabilitySuite } from './observability'

defineObservabilitySuite(nodeDisk)
defineMetricsOffSuite(nodeDisk)
