export { SqlEventStore } from './events'
export { SqlStateStore } from './store'
export { SqlWebhookStore } from './webhooks'
