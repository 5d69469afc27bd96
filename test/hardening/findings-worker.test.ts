import { worker } from '../support/worker-service'
import { defineFindingsSuite } from './findings'

defineFindingsSuite(worker)
