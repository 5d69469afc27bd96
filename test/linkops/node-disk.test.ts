import { nodeDisk } from '../support/node-service'
import { defineLinkOpsSuite } from './suite'

defineLinkOpsSuite(nodeDisk)
