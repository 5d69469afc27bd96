import { worker } from '../support/worker-service'
import { defineStorageFaultsSuite } from './storage-faults'

defineStorageFaultsSuite(worker)
