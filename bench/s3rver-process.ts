/**
 * s3rver in a process of its own, so that the load generator, fuselink and
 * the S3 server each get their own event loop. Prints one JSON line with its
 * settings, then serves until SIGTERM (or until its parent goes away).
 */
import { startS3rver } from '../test/support/s3rver'

const server = await startS3rver('fuselink-bench')
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint, bucket: server.bucket, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, env: server.env })}\n`)

let closing = false
const stop = () => {
  if (closing) return
  closing = true
  server.close().finally(() => process.exit(0))
  setTimeout(() => process.exit(0), 5000).unref()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
// The parent holds our stdin open; when it dies, stdin ends.
process.stdin.on('end', stop)
process.stdin.resume()
