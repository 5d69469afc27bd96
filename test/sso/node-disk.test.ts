import { nodeDisk } from '../support/node-service'
import { defineSsoSuite } from './suite'

defineSsoSuite(nodeDisk)
