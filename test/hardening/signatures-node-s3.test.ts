import { nodeS3 } from '../support/node-service'
import { defineSignaturesSuite } from './signatures'

defineSignaturesSuite(nodeS3)
