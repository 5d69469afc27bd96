export { SqlStateStore } from './store'
