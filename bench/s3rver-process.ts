/**
 * s3rver in a process of its own, so that the load generator, fuselink and
 * the S3 server each get their own event loop. Its objects live in the
 * directory given as the first argument, which the parent made and removes,
 * so nothing is left behind even if this process is killed. Prints one JSON
 * line with its settings, then serves until SIGTERM or until the parent goes
 * away (stdin ends).
 */
import S3rver from 's3rver'

const directory = process.argv[2]
if (!directory) throw new Error('usage: s3rver-process.ts <directory>')
const bucket = 'fuselink-bench'
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] })
const { port } = await server.run()
const endpoint = `http://127.0.0.1:${port}`
// s3rver's built-in credentials.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
const env = {
  S3_BUCKET: bucket,
  S3_ENDPOINT: endpoint,
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: credentials.accessKeyId,
  S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  S3_FORCE_PATH_STYLE: 'true',
}
process.stdout.write(`${JSON.stringify({ endpoint, bucket, ...credentials, env })}\n`)

let closing = false
const stop = () => {
  if (closing) return
  closing = true
  server.close().finally(() => process.exit(0))
  setTimeout(() => process.exit(0), 5000).unref()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
