import { nodeS3 } from '../support/node-service'
import { defineTransferSuite } from './suite'

defineTransferSuite(nodeS3, { s3: true })
