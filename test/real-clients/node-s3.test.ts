import { nodeS3 } from '../support/node-service'
import { defineRealClientsSuite } from './suite'

defineRealClientsSuite(nodeS3)
