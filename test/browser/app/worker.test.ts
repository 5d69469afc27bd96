import { worker } from '../../support/worker-service'
import { appJourney } from './journey'

appJourney(worker)
