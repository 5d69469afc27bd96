import { nodeS3 } from '../support/node-service'
import { defineStorageFaultsSuite } from './storage-faults'

defineStorageFaultsSuite(nodeS3)
