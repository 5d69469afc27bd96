import { worker } from '../support/worker-service'
import { defineTransferSuite } from './suite'

defineTransferSuite(worker, { s3: true })
