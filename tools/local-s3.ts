import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import S3rver from 's3rver'
import { multipartCompletions } from './s3rver-multipart'

/*
 * The one way this repository starts an S3-protocol server on loopback
 * (s3rver, in this process): for the tests, the bench and the local Worker.
 * s3rver does not check signatures and answers suffix ranges wrongly;
 * fuselink never sends it one. The multipart calls it lacks (ListParts,
 * ListMultipartUploads, AbortMultipartUpload) and the checks it skips are
 * added in front of it by ./s3rver-multipart.ts.
 *
 * Run as a program (`tsx tools/local-s3.ts [directory]`), it serves until
 * SIGTERM or until its parent closes its stdin, after printing one JSON line:
 * what startLocalS3 returns, without close(). The bench runs it so, to give
 * s3rver an event loop of its own.
 */

export interface LocalS3Options {
  /** Where the objects live; kept on close. Without one, a temporary directory removed on close or exit. */
  directory?: string
  /** 0 (the default) for any free port. */
  port?: number
  host?: string
  bucket?: string
}

export interface LocalS3 {
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  /** The settings fuselink reads to use this server (README, "Configuration"). */
  env: Record<string, string>
  close(): Promise<void>
}

export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1'
  const bucket = options.bucket ?? 'fuselink'
  const temporary = options.directory === undefined
  const directory = temporary ? mkdtempSync(resolve(tmpdir(), 'fuselink-s3-')) : resolve(options.directory!)
  mkdirSync(directory, { recursive: true })
  const removeTemporary = () => rmSync(directory, { recursive: true, force: true })
  if (temporary) process.once('exit', removeTemporary)
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  })
  // Ahead of s3rver's own handlers: the multipart calls it lacks (tools/s3rver-multipart.ts).
  server.middleware.unshift(multipartCompletions(directory))
  let port: number
  try {
    ;({ port } = await server.run())
  } catch (error) {
    if (temporary) removeTemporary()
    throw error
  }
  const endpoint = `http://${host}:${port}`
  // s3rver's built-in credentials.
  const accessKeyId = 'S3RVER'
  const secretAccessKey = 'S3RVER'
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    async close() {
      await server.close()
      if (temporary) {
        process.off('exit', removeTemporary)
        removeTemporary()
      }
    },
  }
}

async function serve(directory: string | undefined): Promise<void> {
  const { close, ...settings } = await startLocalS3(directory === undefined ? {} : { directory })
  process.stdout.write(`${JSON.stringify(settings)}\n`)
  let closing = false
  const stop = () => {
    if (closing) return
    closing = true
    close().finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 5000).unref()
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void serve(process.argv[2])
}
