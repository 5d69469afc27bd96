import { nodeDisk } from '../support/node-service'
import { defineRotationSuite } from './suite'

// Node starts on the key it generates into DATA_DIR, as `npm start` does.
defineRotationSuite(nodeDisk)
