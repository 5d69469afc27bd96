import { nodeDisk } from '../../support/node-service'
import { ownerFilterSuite } from './owners'

ownerFilterSuite(nodeDisk)
