import { nodeS3 } from '../support/node-service'
import { defineAccountsSuite } from './suite'

defineAccountsSuite(nodeS3)
