import { nodeDisk } from '../../support/node-service'
import { appJourney } from './journey'

appJourney(nodeDisk)
