import { worker } from '../support/worker-service'
import { defineRealClientsSuite } from './suite'

// What the Worker's streaming path (src/workers/content-length.ts,
// large-chunks.ts, workerd's pipes) does to real clients' resumes.
defineRealClientsSuite(worker)
