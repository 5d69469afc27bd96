import { nodeDisk } from '../support/node-service'
import { defineLargeUploadSuite } from './large'

defineLargeUploadSuite(nodeDisk, 2 * 1024 ** 3, '2 GiB')
