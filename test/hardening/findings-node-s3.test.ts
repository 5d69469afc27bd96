import { nodeS3 } from '../support/node-service'
import { defineFindingsSuite } from './findings'

defineFindingsSuite(nodeS3)
