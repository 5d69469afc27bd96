import { startNodeService } from '../support/node-service'
import { defineContractSuite } from './suite'

defineContractSuite((options) => startNodeService('disk', options))
