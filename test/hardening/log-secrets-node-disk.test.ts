import { nodeDisk } from '../support/node-service'
import { defineLogSecretsSuite } from './log-secrets'

defineLogSecretsSuite(nodeDisk)
