import { startNodeService } from '../support/node-service'
import { defineContractSuite } from './suite'

defineContractSuite((options) => startNodeService('s3', options))
