import { worker } from '../support/worker-service'
import { defineSignaturesSuite } from './signatures'

defineSignaturesSuite(worker)
