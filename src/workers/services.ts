import type { Context } from 'hono'
import { D1SqlDatabase } from '../adapters/d1-database'
import { S3ObjectStore } from '../adapters/s3-store'
import { SqlStateStore } from '../adapters/sql-state'
import { hex, sha256Hex } from '../core/encoding'
import { jsonLogger, type Log } from '../core/log'
import { type SettingSource, secretValues } from '../core/settings'
import { buildKeyRing } from '../core/token/keys'
import { assembleServices, type Services } from '../http/services'
import { LargeChunkObjectStore } from './large-chunks'
import { type Env, readWorkerSettings } from './settings'

/** JSON lines on the console, what Workers Logs and `wrangler tail` index best; the Worker's secrets masked. */
function workerLogger(env: SettingSource): Log {
  return jsonLogger((line) => console.log(line), { secrets: secretValues(env) })
}

/**
 * SHA-256 of a body read back from storage, piped into workerd's own
 * DigestStream: no chunk crosses into JavaScript, so the read-back of a
 * joined upload costs next to no CPU time (docs/uploads.md, "Hashing").
 */
async function digestStream(body: ReadableStream<Uint8Array>): Promise<string> {
  const digest = new crypto.DigestStream('SHA-256')
  await body.pipeTo(digest)
  return hex(await digest.digest)
}

/**
 * A streamed request body (a part, to S3) of a known length: through a
 * FixedLengthStream workerd sends it with its Content-Length, which S3
 * requires of UploadPart, instead of chunked encoding.
 */
function fixedLength(body: ReadableStream<Uint8Array>, length: number): ReadableStream<Uint8Array> {
  return body.pipeThrough(new FixedLengthStream(length))
}

/**
 * The Worker's wiring: bindings and secrets in, the same Services the Node
 * entry builds out. Throws ConfigError when a setting is missing or bad.
 */
export async function buildServices(env: Env): Promise<Services> {
  const settings = readWorkerSettings(env)
  const log = workerLogger(env)
  return assembleServices({
    config: settings.config,
    state: new SqlStateStore(new D1SqlDatabase(settings.db)),
    objects: new LargeChunkObjectStore(new S3ObjectStore(settings.config.s3, { requestBody: fixedLength, sha256: digestStream })),
    keys: await buildKeyRing(settings.tokenSigningKey, settings.tokenVerifyKeys),
    adminKeyHash: await sha256Hex(settings.adminApiKey),
    // Set by Cloudflare's edge (and by the local runtime); a client cannot forge it there.
    clientAddress: (c: Context) => c.req.header('cf-connecting-ip') ?? 'unknown',
    // A download's bookkeeping runs when its stream ends, after the response
    // has been returned: waitUntil keeps the isolate alive until it is done.
    defer: (c: Context, work: Promise<unknown>) =>
      c.executionCtx.waitUntil(work.catch((error: unknown) => log('bookkeeping failed', { error: String(error) }))),
    log,
  })
}
