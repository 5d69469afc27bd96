import { nodeDisk } from '../support/node-service'
import { defineFuzzSuite } from './fuzz'

defineFuzzSuite(nodeDisk)
