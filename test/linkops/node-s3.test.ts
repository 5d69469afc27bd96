import { nodeS3 } from '../support/node-service'
import { defineLinkOpsSuite } from './suite'

defineLinkOpsSuite(nodeS3)
