import { nodeDisk } from '../support/node-service'
import { defineRealClientsSuite } from './suite'

defineRealClientsSuite(nodeDisk)
