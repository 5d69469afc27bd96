import { worker } from '../../support/worker-service'
import { ownerFilterSuite } from './owners'

ownerFilterSuite(worker)
