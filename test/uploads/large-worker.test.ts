import { worker } from '../support/worker-service'
import { defineLargeUploadSuite } from './large'

defineLargeUploadSuite(worker, 300_000_000, '300 MB')
