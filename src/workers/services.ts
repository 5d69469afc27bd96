import type { Context } from 'hono'
import { D1SqlDatabase } from '../adapters/d1-database'
import { S3ObjectStore } from '../adapters/s3-store'
import { sha256Hex } from '../adapters/sha256'
import { SmallObjectCache } from '../adapters/small-object-cache'
import { SqlEventStore, SqlStateStore, SqlWebhookStore } from '../adapters/sql-state'
import { FetchWebhookTransport } from '../adapters/webhook-fetch'
import { systemClock } from '../core/clock'
import { hex } from '../core/encoding'
import { jsonLogger, type Log } from '../core/log'
import type { PutResult } from '../core/ports'
import { type SettingSource, secretValues } from '../core/settings'
import { buildKeyRing } from '../core/token/keys'
import { WebhookDispatcher } from '../core/webhooks/dispatcher'
import { deliverUntil } from '../core/webhooks/sending'
import { assembleServices, type Services } from '../http/services'
import { LargeChunkObjectStore } from './large-chunks'
import { type Env, readWorkerSettings } from './settings'

/** JSON lines on the console, what Workers Logs and `wrangler tail` index best; the Worker's secrets masked. */
function workerLogger(env: SettingSource): Log {
  return jsonLogger((line) => console.log(line), { secrets: secretValues(env) })
}

/**
 * SHA-256 and length of a body read back from storage, piped into workerd's
 * own DigestStream, which counts the bytes too: no chunk crosses into
 * JavaScript, so the read-back of a joined upload costs next to no CPU time
 * and leaves no garbage behind (docs/uploads.md, "Hashing").
 */
async function digestStream(body: ReadableStream<Uint8Array>): Promise<PutResult> {
  const digest = new crypto.DigestStream('SHA-256')
  await body.pipeTo(digest)
  return { size: Number(digest.bytesWritten), sha256: hex(await digest.digest) }
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
 * How long a Worker keeps sending webhooks after an answer: waitUntil lives
 * about 30 s past the response, so the first retry (5 s after a quick
 * refusal) still fits; later ones wait for the cron.
 */
const SEND_AFTER_ANSWER_MS = 25_000

export interface WorkerRuntime {
  services: Services
  /** Sends the webhook outbox: from waitUntil after answers, and from the cron. */
  dispatcher: WebhookDispatcher
}

/**
 * The Worker's wiring: bindings and secrets in, the same Services the Node
 * entry builds out. Throws ConfigError when a setting is missing or bad.
 */
export async function buildServices(env: Env): Promise<WorkerRuntime> {
  const settings = readWorkerSettings(env)
  const log = workerLogger(env)
  const db = new D1SqlDatabase(settings.db)
  const webhooks = new SqlWebhookStore(db)
  const webhookTransport = new FetchWebhookTransport()
  const dispatcher = new WebhookDispatcher({
    store: webhooks,
    transport: webhookTransport,
    policy: settings.config.webhookAllowedHosts,
    clock: systemClock,
    log,
  })
  const services = assembleServices({
    config: settings.config,
    state: new SqlStateStore(db),
    objects: new SmallObjectCache(
      new LargeChunkObjectStore(new S3ObjectStore(settings.config.s3, { requestBody: fixedLength, digest: digestStream })),
    ),
    keys: await buildKeyRing(settings.tokenSigningKey, settings.tokenVerifyKeys),
    adminKeyHash: sha256Hex(settings.adminApiKey),
    hashSecret: sha256Hex,
    // Set by Cloudflare's edge (and by the local runtime); a client cannot forge it there.
    clientAddress: (c: Context) => c.req.header('cf-connecting-ip') ?? 'unknown',
    // A download's bookkeeping runs when its stream ends, after the response
    // has been returned: waitUntil keeps the isolate alive until it is done.
    defer: (c: Context, work: Promise<unknown>) =>
      c.executionCtx.waitUntil(work.catch((error: unknown) => log('bookkeeping failed', { error: String(error) }))),
    events: new SqlEventStore(db),
    webhooks,
    webhookTransport,
    sendWebhooks: (c: Context) =>
      c.executionCtx.waitUntil(
        deliverUntil(dispatcher, systemClock, systemClock.now() + SEND_AFTER_ANSWER_MS).catch((error: unknown) =>
          log('webhook delivery failed', { error: String(error) }),
        ),
      ),
    log,
  })
  return { services, dispatcher }
}
