import { worker } from '../support/worker-service'
import { defineFuzzSuite } from './fuzz'

defineFuzzSuite(worker)
