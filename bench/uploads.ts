/**
 * A large file through the uploads in parts, beside a one-request upload of
 * the same file, on the stores and runtimes it runs on (docs/uploads.md,
 * "Measured"):
 *
 *   npx tsx bench/uploads.ts [--mib=1024] [--targets=node+disk,node+s3,workers+d1+s3] [--parallel=3]
 *
 * For each target: the file (deterministic bytes, written to a scratch
 * directory) is sent in parts, `--parallel` at once, each streamed from disk;
 * then completed. Reported: wall time and MB/s of the parts, the time of
 * `complete` (the join and the SHA-256), and the server's peak RSS (on the
 * Worker, workerd's), sampled from /proc while the upload runs (the baseline
 * before it beside it). The file's sha256 is checked against the one computed here. On Node
 * the same file then goes in one request (POST /api/v1/files) for
 * comparison; the Worker's edge refuses bodies over 100 MB, so there it goes
 * only in parts. s3rver runs in this process on node+s3 (its CPU is not the
 * server's) and in its own under the Worker.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { createReadStream } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { nodeDisk, nodeS3 } from '../test/support/node-service'
import type { ServiceTarget, TargetKind } from '../test/support/target'
import { worker } from '../test/support/worker-service'
import { writeDeterministicFile } from './lib/data'
import { uploadFile } from './lib/http'
import { descendantsNamed, memory, sampleRss } from './lib/proc'
import { cleanupAll, tempDir } from './lib/processes'

const MiB = 1024 * 1024
const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [name, value] = arg.replace(/^--/, '').split('=')
    return [name, value ?? 'true']
  }),
)
const SIZE = Number(args.mib ?? 1024) * MiB
const PARALLEL = Number(args.parallel ?? 3)
const KINDS: TargetKind[] = [nodeDisk, nodeS3, worker].filter((kind) =>
  (args.targets ?? 'node+disk,node+s3,workers+d1+s3').split(',').includes(kind.name),
)

interface Answer {
  status: number
  text: string
}

function call(target: ServiceTarget, method: string, path: string, json?: unknown): Promise<Answer> {
  return send(target, method, path, json === undefined ? undefined : JSON.stringify(json), { 'content-type': 'application/json' })
}

function send(
  target: ServiceTarget,
  method: string,
  path: string,
  body: string | { file: string; start: number; length: number } | undefined,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, target.baseUrl),
      { method, headers: { authorization: `Bearer ${target.adminKey}`, ...headers } },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    if (body === undefined || typeof body === 'string') {
      req.end(body)
    } else {
      req.setHeader('content-length', String(body.length))
      createReadStream(body.file, { start: body.start, end: body.start + body.length - 1, highWaterMark: 256 * 1024 })
        .on('error', reject)
        .pipe(req)
    }
  })
}

function expectStatus(answer: Answer, status: number, what: string): any {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.text}`)
  return JSON.parse(answer.text)
}

/** Sends `file` in parts and completes it; `onPartsSent` runs between the two. */
async function chunked(target: ServiceTarget, file: string, name: string, onPartsSent: () => void) {
  const started = performance.now()
  const upload = expectStatus(await call(target, 'POST', '/api/v1/uploads', { name, size: SIZE }), 201, 'create')
  const queue = Array.from({ length: upload.parts }, (_, i) => i + 1)
  const sendParts = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const start = (n - 1) * upload.partSize
      const length = Math.min(upload.partSize, SIZE - start)
      const answer = await send(
        target,
        'PUT',
        `/api/v1/uploads/${upload.id}/parts/${n}`,
        { file, start, length },
        {
          'content-type': 'application/octet-stream',
        },
      )
      expectStatus(answer, 200, `part ${n}`)
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, sendParts))
  const partsDone = performance.now()
  onPartsSent()
  const stored = expectStatus(await call(target, 'POST', `/api/v1/uploads/${upload.id}/complete`), 201, 'complete')
  const done = performance.now()
  return {
    stored,
    parts: upload.parts,
    partSize: upload.partSize,
    partsMs: partsDone - started,
    completeMs: done - partsDone,
    totalMs: done - started,
  }
}

/** The one process found, or none when there are several (whose RSS alone would mislead). */
function onlyOne(pids: number[]): number | undefined {
  return pids.length === 1 ? pids[0] : undefined
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0)
const rate = (ms: number) => (SIZE / 1e6 / (ms / 1000)).toFixed(1)

async function measure(kind: TargetKind, file: string, sha256: string): Promise<void> {
  const target = await kind.start({ env: { RATE_LIMIT: '0', MAX_UPLOAD_BYTES: String(8 * 1024 * MiB) }, verifySignatures: false })
  try {
    const pid = target.pid ?? (kind.runtime === 'workers' ? onlyOne(descendantsNamed('workerd')) : undefined)
    const baseline = pid ? memory(pid).rss : NaN
    // The peak while parts arrive, and while `complete` joins and hashes them.
    let sampler = pid ? sampleRss(pid, 20) : null
    let partsPeak = NaN
    const result = await chunked(target, file, `chunked-${kind.name}.bin`, () => {
      partsPeak = sampler?.stop().peakRss ?? NaN
      sampler = pid ? sampleRss(pid, 20) : null
    })
    const completePeak = sampler?.stop().peakRss ?? NaN
    if (result.stored.size !== SIZE || result.stored.sha256 !== sha256) throw new Error(`${kind.name}: the stored file differs`)
    console.log(
      `${kind.name} in parts: ${mb(SIZE)} MB, ${result.parts} parts of ${result.partSize / MiB} MiB, ${PARALLEL} in flight; ` +
        `parts ${(result.partsMs / 1000).toFixed(1)} s (${rate(result.partsMs)} MB/s), complete ${(result.completeMs / 1000).toFixed(1)} s, ` +
        `total ${(result.totalMs / 1000).toFixed(1)} s (${rate(result.totalMs)} MB/s)` +
        (pid
          ? `; server RSS ${mb(baseline)} MB before, peak ${mb(partsPeak)} MB during the parts, ${mb(completePeak)} MB during complete`
          : ''),
    )
    if (kind.runtime === 'node' && pid) {
      const before = memory(pid).rss
      const oneSampler = sampleRss(pid, 20)
      const started = performance.now()
      const stored = await uploadFile(target.baseUrl, target.adminKey, file, `one-request-${kind.name}.bin`)
      const ms = performance.now() - started
      const onePeak = oneSampler.stop().peakRss
      if (stored.size !== SIZE || stored.sha256 !== sha256) throw new Error(`${kind.name}: the one-request file differs`)
      console.log(
        `${kind.name} one request: ${(ms / 1000).toFixed(1)} s (${rate(ms)} MB/s); server RSS ${mb(before)} MB before, peak ${mb(onePeak)} MB`,
      )
    }
  } finally {
    await target.stop()
  }
}

async function main(): Promise<void> {
  const dir = tempDir('uploads')
  const file = join(dir, 'large.bin')
  const sha256 = await writeDeterministicFile(file, SIZE, 9)
  for (const kind of KINDS) await measure(kind, file, sha256)
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanupAll)
