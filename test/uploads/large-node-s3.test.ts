import { nodeS3 } from '../support/node-service'
import { defineLargeUploadSuite } from './large'

defineLargeUploadSuite(nodeS3, 2 * 1024 ** 3, '2 GiB')
