import { worker } from '../support/worker-service'
import { defineLogSecretsSuite } from './log-secrets'

defineLogSecretsSuite(worker)
