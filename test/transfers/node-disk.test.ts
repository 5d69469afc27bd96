import { nodeDisk } from '../support/node-service'
import { defineTransferSuite } from './suite'

defineTransferSuite(nodeDisk, { s3: false })
