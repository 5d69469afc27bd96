import { nodeDisk } from '../support/node-service'
import { defineUploadSuite } from './suite'

defineUploadSuite(nodeDisk)
