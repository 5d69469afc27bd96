import { nodeS3 } from '../support/node-service'
import { defineUploadSuite } from './suite'

defineUploadSuite(nodeS3)
