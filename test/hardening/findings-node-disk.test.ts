import { nodeDisk } from '../support/node-service'
import { defineFindingsSuite } from './findings'

defineFindingsSuite(nodeDisk)
