import { worker } from '../support/worker-service'
import { defineUploadSuite } from './suite'

defineUploadSuite(worker)
