/**
 * `npm run bench`: fuselink's performance on this machine, one run, one table.
 *
 *   1. links issued per second (POST /api/v1/links, 16 in flight)
 *   2. 1 KiB downloads per second through the full HTTP path, 32 keep-alive
 *      connections, local disk and S3 (s3rver), with p50/p99 latency
 *   3. streaming MB/s of a 256 MiB file: fuselink+S3 vs a direct presigned
 *      GET from the same s3rver (the ratio), and fuselink+disk for reference
 *   4. peak RSS of the server while 8 downloads of that file run at once
 *   5. the server's CPU time per small download (/proc/<pid>/stat)
 *   6. the same through the Workers runtime (issue 4): the deploy bundle in
 *      workerd (Miniflare) with a local D1 and its own s3rver, as
 *      test/support/worker-service.ts runs it: 1 KiB downloads/s and 256 MiB
 *      streaming MB/s, beside the Node figures above
 *
 * Everything runs on 127.0.0.1: two fuselink servers (the real Node entry,
 * one per store) and s3rver each in their own process; the load generator
 * runs here, so only the server's own CPU is counted. Every figure is
 * checked on the side (statuses, byte counts, counters, sha256) so a broken
 * server cannot post a good number.
 *
 * Where the time goes: bench/profile.ts (CPU profiles, one scenario at a time).
 * What one sign-in costs: bench/sign-in.ts (run apart; docs/accounts.md).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { startWorkerService, type WorkerServiceTarget } from '../test/support/worker-service'
import { deterministicBytes, writeDeterministicFile } from './lib/data'
import { api, curlDownload, hasCurl, type StreamResult, streamDownload, uploadFile } from './lib/http'
import { type LoadResult, runLoad } from './lib/load'
import { cpuMicros, memory, resetPeak, sampleRss } from './lib/proc'
import { cleanupAll, ROOT, type Server, startS3rverProcess, startServer, stopChild, stopServer, tempDir } from './lib/processes'
import { issueLinks, linkIssuing, MAX_DOWNLOADS_PER_LINK, type MeasuredLoad, measured, smallDownloads } from './lib/scenario'

const MiB = 1024 * 1024
const SMALL_SIZE = 1024
const LARGE_SIZE = 256 * MiB

const TIMING = {
  linksConcurrency: 16,
  linksMs: 3000,
  smallConcurrency: 32,
  smallWarmupMs: 1000,
  smallDiskMs: 5000,
  smallS3Ms: 3000,
  coldMs: 3000,
  streamRounds: 3,
  rssParallel: 8,
  workerConcurrency: 16,
  workerWarmupMs: 1000,
  workerSmallMs: 4000,
  workerStreamRounds: 2,
}

// ---------------------------------------------------------------- bookkeeping

const checks: { name: string; ok: boolean; detail: string }[] = []

function check(name: string, ok: boolean, detail = ''): boolean {
  checks.push({ name, ok, detail })
  if (!ok) process.stderr.write(`  CHECK FAILED: ${name} ${detail}\n`)
  return ok
}

function progress(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - benchStart) / 1000).toFixed(1).padStart(5)}s] ${message}\n`)
}

const benchStart = performance.now()

// ---------------------------------------------------------------- phases

function describeFailures(label: string, load: LoadResult, okStatus: number, concurrency: number): void {
  const statuses = [...load.statuses].map(([s, n]) => `${s}×${n}`).join(' ')
  check(
    `${label}: every response ${okStatus} with the right body`,
    load.failures === 0,
    `statuses ${statuses}; ${load.failureSamples.join(' | ')}`,
  )
  check(`${label}: keep-alive held (connections opened ≤ concurrency)`, load.connections <= concurrency, `${load.connections} connections`)
}

/** Checks that the server counted exactly the downloads we made. */
async function verifyCounters(
  label: string,
  server: Pick<Server, 'origin'>,
  key: string,
  links: { id: string }[],
  used: number[],
  served: number,
): Promise<void> {
  let counted = 0
  let mismatches = 0
  for (const [i, link] of links.entries()) {
    const fresh = await api(server.origin, key, 'GET', `/api/v1/links/${link.id}`)
    counted += fresh.downloads as number
    if (fresh.downloads !== used[i]) mismatches++
  }
  check(
    `${label}: link counters equal the downloads made`,
    counted === served && mismatches === 0,
    `server counted ${counted}, client got ${served} files, ${mismatches} links differ`,
  )
}

/** What the Workers runtime did in phase 6. */
interface WorkerFigures {
  small: LoadResult
  streams: StreamResult[]
  startupMs: number
  firstRequestMs: number
  /** From starting the service (bundle build, D1 migration, s3rver) to its first answer, s. */
  setupSeconds: number
}

/**
 * 6. The Worker: started, loaded and stopped here, its temp dirs (s3rver's
 * objects, the local D1, the bundle) under a scratch directory of the bench,
 * so they are removed whatever happens.
 */
async function workerPhase(
  small: Buffer,
  largePath: string,
  largeSha: string,
  timedDownload: (url: string) => Promise<StreamResult>,
): Promise<WorkerFigures> {
  progress('Workers: building the bundle, migrating a local D1, starting workerd and its s3rver')
  const setupStarted = performance.now()
  const savedTmp = process.env.TMPDIR
  process.env.TMPDIR = tempDir('worker')
  let worker: WorkerServiceTarget
  try {
    worker = await startWorkerService({ env: { RATE_LIMIT: '0' } })
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = savedTmp
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000
  try {
    const origin = worker.baseUrl
    const key = worker.adminKey
    const smallKey = 'bench/small.bin'
    const largeKey = 'bench/large.bin'
    progress(
      `Workers: up in ${fmt(setupSeconds, 1)} s (runtime start to first answer ${fmt(worker.startupMs)} ms); 1 KiB and 256 MiB into its s3rver + import`,
    )
    await worker.putObject(smallKey, small)
    const smallFile = await api(origin, key, 'POST', '/api/v1/files/import', { key: smallKey, name: 'small.bin' }, 201)
    check('Workers: import 1 KiB: size', smallFile.size === SMALL_SIZE, String(smallFile.size))
    await worker.putLargeObject(largeKey, createReadStream(largePath))
    const largeFile = await api(origin, key, 'POST', '/api/v1/files/import', { key: largeKey, name: 'large.bin' }, 201)
    check('Workers: import 256 MiB: size', largeFile.size === LARGE_SIZE, String(largeFile.size))

    const server = { origin }
    progress(
      `Workers: small downloads, ${TIMING.workerConcurrency} connections, ${TIMING.workerWarmupMs / 1000} s warm-up + ${TIMING.workerSmallMs / 1000} s`,
    )
    const smallLinks = await issueLinks(server, key, smallFile.id, 4, MAX_DOWNLOADS_PER_LINK)
    const source = smallDownloads(
      smallLinks.map((l) => l.token),
      small,
    )
    const smallResult = await runLoad({
      origin,
      concurrency: TIMING.workerConcurrency,
      warmupMs: TIMING.workerWarmupMs,
      durationMs: TIMING.workerSmallMs,
      next: source.next,
    })
    describeFailures('Workers 1 KiB', smallResult, 200, TIMING.workerConcurrency)
    check('Workers 1 KiB: link budget not exhausted before the end', !smallResult.exhausted)
    await verifyCounters('Workers 1 KiB', server, key, smallLinks, source.used, smallResult.statuses.get(200) ?? 0)

    progress(`Workers: streaming 256 MiB, warm-up with sha256, then ${TIMING.workerStreamRounds} rounds`)
    const [largeLink] = await issueLinks(server, key, largeFile.id, 1, 100)
    const url = `${origin}/d/${largeLink!.token}`
    const hashed = await streamDownload(url, { sha256: true })
    check(
      'Workers 256 MiB: 200, every byte, sha256 matches',
      hashed.status === 200 && hashed.bytes === LARGE_SIZE && hashed.sha256 === largeSha,
      `${hashed.status} ${hashed.bytes} ${hashed.sha256}`,
    )
    const streams: StreamResult[] = []
    for (let round = 0; round < TIMING.workerStreamRounds; round++) {
      const result = await timedDownload(url)
      check(
        `Workers 256 MiB round ${round + 1}: 200 and every byte`,
        result.status === 200 && result.bytes === LARGE_SIZE && result.contentLength === LARGE_SIZE,
        `${result.status} ${result.bytes}`,
      )
      streams.push(result)
    }
    return { small: smallResult, streams, startupMs: worker.startupMs, firstRequestMs: worker.firstRequestMs, setupSeconds }
  } finally {
    progress('Workers: stopping')
    await worker.stop()
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const work = tempDir('data')

  progress('generating the 256 MiB file')
  const smallPath = join(work, 'small.bin')
  const small = deterministicBytes(SMALL_SIZE, 1)
  writeFileSync(smallPath, small)
  const largePath = join(work, 'large.bin')
  const largeSha = await writeDeterministicFile(largePath, LARGE_SIZE, 2)

  progress('starting s3rver and two fuselink servers (disk, S3)')
  const s3 = await startS3rverProcess()
  const [disk, s3Server] = await Promise.all([startServer('disk', { adminKey }), startServer('s3', { adminKey, env: s3.env })])
  const s3Client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })

  progress('uploading: 1 KiB to both, 256 MiB to disk through fuselink, 256 MiB straight into s3rver + import')
  const smallDisk = await uploadFile(disk.origin, adminKey, smallPath, 'small.bin')
  const smallS3 = await uploadFile(s3Server.origin, adminKey, smallPath, 'small.bin')
  const largeDisk = await uploadFile(disk.origin, adminKey, largePath, 'large.bin')
  check(
    'upload 256 MiB to disk: size and sha256 as sent',
    largeDisk.size === LARGE_SIZE && largeDisk.sha256 === largeSha,
    `${largeDisk.size} ${largeDisk.sha256}`,
  )
  const largeKey = 'bench/large.bin'
  await s3Client.send(
    new PutObjectCommand({
      Bucket: s3.bucket,
      Key: largeKey,
      Body: createReadStream(largePath),
      ContentLength: LARGE_SIZE,
      ContentType: 'application/octet-stream',
    }),
  )
  const largeS3 = await api(s3Server.origin, adminKey, 'POST', '/api/v1/files/import', { key: largeKey, name: 'large.bin' }, 201)
  check('import 256 MiB from s3rver: size', largeS3.size === LARGE_SIZE, String(largeS3.size))

  // 1. Links issued per second.
  progress(`links: POST /api/v1/links, ${TIMING.linksConcurrency} in flight, ${TIMING.linksMs / 1000} s`)
  const issuedTokens: string[] = []
  const links = await measured(disk, {
    concurrency: TIMING.linksConcurrency,
    warmupMs: 500,
    durationMs: TIMING.linksMs,
    next: linkIssuing(adminKey, smallDisk.id, issuedTokens),
  })
  describeFailures('links', links.load, 201, TIMING.linksConcurrency)

  // 2 + 5. Small downloads, local disk, hot tokens (the steady state of a link in use).
  progress(`small downloads, disk: 32 connections, ${TIMING.smallWarmupMs / 1000} s warm-up + ${TIMING.smallDiskMs / 1000} s`)
  const diskLinks = await issueLinks(disk, adminKey, smallDisk.id, 12, MAX_DOWNLOADS_PER_LINK)
  const diskSource = smallDownloads(
    diskLinks.map((l) => l.token),
    small,
  )
  const smallDiskResult = await measured(disk, {
    concurrency: TIMING.smallConcurrency,
    warmupMs: TIMING.smallWarmupMs,
    durationMs: TIMING.smallDiskMs,
    next: diskSource.next,
  })
  describeFailures('1 KiB disk', smallDiskResult.load, 200, TIMING.smallConcurrency)
  check('1 KiB disk: link budget not exhausted before the end', !smallDiskResult.load.exhausted)
  await verifyCounters('1 KiB disk', disk, adminKey, diskLinks, diskSource.used, smallDiskResult.load.statuses.get(200) ?? 0)

  // 5b. Small downloads with a token the server has never seen: the signature is checked every time.
  progress(`small downloads, disk, first use of each token: ${issuedTokens.length} tokens, at most ${TIMING.coldMs / 1000} s`)
  const coldSource = smallDownloads(issuedTokens, small, 1)
  const cold = await measured(disk, { concurrency: TIMING.smallConcurrency, warmupMs: 0, durationMs: TIMING.coldMs, next: coldSource.next })
  describeFailures('1 KiB disk, first-use tokens', cold.load, 200, TIMING.smallConcurrency)

  // 2b. Small downloads through the S3 store.
  progress(`small downloads, S3: 32 connections, ${TIMING.smallWarmupMs / 1000} s warm-up + ${TIMING.smallS3Ms / 1000} s`)
  const s3Links = await issueLinks(s3Server, adminKey, smallS3.id, 3, MAX_DOWNLOADS_PER_LINK)
  const s3Source = smallDownloads(
    s3Links.map((l) => l.token),
    small,
  )
  const smallS3Result = await measured(s3Server, {
    concurrency: TIMING.smallConcurrency,
    warmupMs: TIMING.smallWarmupMs,
    durationMs: TIMING.smallS3Ms,
    next: s3Source.next,
  })
  describeFailures('1 KiB S3', smallS3Result.load, 200, TIMING.smallConcurrency)
  check('1 KiB S3: link budget not exhausted before the end', !smallS3Result.load.exhausted)
  await verifyCounters('1 KiB S3', s3Server, adminKey, s3Links, s3Source.used, smallS3Result.load.statuses.get(200) ?? 0)

  // 3. Streaming 256 MiB: direct presigned GET vs fuselink+S3 vs fuselink+disk, interleaved.
  progress(`streaming 256 MiB: warm-up with sha256, then ${TIMING.streamRounds} interleaved rounds`)
  const presigned = await getSignedUrl(s3Client as any, new GetObjectCommand({ Bucket: s3.bucket, Key: largeKey }) as any, {
    expiresIn: 3600,
  })
  const [largeS3Link] = await issueLinks(s3Server, adminKey, largeS3.id, 1, 100)
  const [largeDiskLink] = await issueLinks(disk, adminKey, largeDisk.id, 1, 100)
  const paths = {
    direct: { url: presigned, pid: s3.child.pid! },
    s3: { url: `${s3Server.origin}/d/${largeS3Link!.token}`, pid: s3Server.pid },
    disk: { url: `${disk.origin}/d/${largeDiskLink!.token}`, pid: disk.pid },
  }
  for (const [name, path] of Object.entries(paths)) {
    const result = await streamDownload(path.url, { sha256: true })
    check(
      `256 MiB ${name}: 200, every byte, sha256 matches`,
      result.status === 200 && result.bytes === LARGE_SIZE && result.sha256 === largeSha,
      `${result.status} ${result.bytes} ${result.sha256}`,
    )
  }
  // The timed downloads use curl when it is there (scripts/install-test-deps.sh
  // installs it): a Node client spends most of a core on 256 MiB by itself.
  const useCurl = hasCurl()
  const timedDownload = useCurl ? curlDownload : (url: string) => streamDownload(url)
  const streams: Record<keyof typeof paths, (StreamResult & { serverCores: number })[]> = { direct: [], s3: [], disk: [] }
  for (let round = 0; round < TIMING.streamRounds; round++) {
    for (const name of ['direct', 's3', 'disk'] as const) {
      const cpu0 = cpuMicros(paths[name].pid)
      const result = await timedDownload(paths[name].url)
      const cpu = cpuMicros(paths[name].pid) - cpu0
      check(
        `256 MiB ${name} round ${round + 1}: 200 and every byte`,
        result.status === 200 && result.bytes === LARGE_SIZE && result.contentLength === LARGE_SIZE,
        `${result.status} ${result.bytes}`,
      )
      streams[name].push({ ...result, serverCores: cpu / 1e6 / result.seconds })
    }
  }

  // 4. Peak RSS with 8 downloads of the 256 MiB file at once.
  const rss: Record<
    's3' | 'disk',
    { before: number; peakSampled: number; hwm: number; hwmReset: boolean; samples: number; maxGapMs: number; seconds: number }
  > = {} as any
  for (const name of ['s3', 'disk'] as const) {
    progress(`peak RSS: ${TIMING.rssParallel} × 256 MiB at once through fuselink+${name}`)
    const server = name === 's3' ? s3Server : disk
    const link = (await issueLinks(server, adminKey, name === 's3' ? largeS3.id : largeDisk.id, 1, TIMING.rssParallel))[0]!
    const url = `${server.origin}/d/${link.token}`
    const before = memory(server.pid).rss
    const hwmReset = resetPeak(server.pid)
    const sampler = sampleRss(server.pid, 5)
    const started = performance.now()
    const results = await Promise.all(Array.from({ length: TIMING.rssParallel }, (_, i) => streamDownload(url, { sha256: i === 0 })))
    const seconds = (performance.now() - started) / 1000
    const sampled = sampler.stop()
    const { hwm } = memory(server.pid)
    const complete = results.filter((r) => r.status === 200 && r.bytes === LARGE_SIZE).length
    check(
      `RSS ${name}: ${TIMING.rssParallel} downloads complete, one with the right sha256`,
      complete === TIMING.rssParallel && results[0]!.sha256 === largeSha,
      `${complete} complete`,
    )
    rss[name] = { before, peakSampled: sampled.peakRss, hwm, hwmReset, samples: sampled.samples, maxGapMs: sampled.maxGapMs, seconds }
  }

  progress('stopping servers')
  s3Client.destroy()
  await Promise.all([stopServer(disk), stopServer(s3Server)])
  await stopChild(s3.child)

  // 6. The same file and sizes through the Workers runtime, with the Node servers stopped.
  const workers = await workerPhase(small, largePath, largeSha, timedDownload)

  // ------------------------------------------------------------ report
  report({
    links,
    smallDisk: smallDiskResult,
    cold,
    smallS3: smallS3Result,
    streams,
    rss,
    workers,
    issued: issuedTokens.length,
    streamClient: useCurl ? 'curl' : 'node:http',
  })
}

// ---------------------------------------------------------------- report

const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')
const loadAtStart = loadNow()

/** The commit measured, and whether the sources differed from it. */
function treeState(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const head = git('rev-parse', '--short', 'HEAD')
    const dirty = git('status', '--porcelain', '--', 'src', 'migrations', 'package.json').split('\n').filter(Boolean).length
    return `commit ${head}${dirty ? ` + ${dirty} changed source files` : ''}`
  } catch {
    return 'not a git checkout'
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a'

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}

function report(r: {
  links: MeasuredLoad
  smallDisk: MeasuredLoad
  cold: MeasuredLoad
  smallS3: MeasuredLoad
  streams: Record<'direct' | 's3' | 'disk', (StreamResult & { serverCores: number })[]>
  rss: Record<
    's3' | 'disk',
    { before: number; peakSampled: number; hwm: number; hwmReset: boolean; samples: number; maxGapMs: number; seconds: number }
  >
  workers: WorkerFigures
  issued: number
  streamClient: string
}): void {
  const allChecksPass = checks.every((c) => c.ok)
  const verdict = (ok: boolean) => (!allChecksPass ? 'INVALID' : ok ? 'PASS' : 'MISS')
  const latency = (s: MeasuredLoad) => `p50 ${fmt(s.load.latencyMs.p50, 2)} ms, p99 ${fmt(s.load.latencyMs.p99, 2)} ms`
  const cores = (s: MeasuredLoad) => `server ${fmt(s.serverCores, 2)} cores, bench client ${fmt(s.clientCores, 2)}`
  const mb = (values: StreamResult[]) => median(values.map((v) => v.mbPerSecond))
  const spread = (values: StreamResult[]) => values.map((v) => fmt(v.mbPerSecond)).join(' / ')
  const direct = mb(r.streams.direct)
  const viaS3 = mb(r.streams.s3)
  const viaDisk = mb(r.streams.disk)
  const ratio = viaS3 / direct
  const rounds = r.streams.s3.map((v, i) => v.mbPerSecond / r.streams.direct[i]!.mbPerSecond)
  const peak = (name: 's3' | 'disk') => Math.max(r.rss[name].peakSampled, r.rss[name].hwmReset ? r.rss[name].hwm : 0)
  const MB = (bytes: number) => `${fmt(bytes / 1e6, 1)} MB`

  const rows: string[][] = [
    ['#', 'measure', 'result', 'target', 'verdict', 'detail', 'anchor (TOOLCHAIN.md / issue 2)'],
    [
      '1',
      'links issued /s (POST /api/v1/links, 16 in flight)',
      `${fmt(r.links.load.perSecond)} /s`,
      '—',
      'info',
      `${latency(r.links)}; ${cores(r.links)}; ${fmt(r.links.cpuPerRequest)} µs server CPU per link`,
      'jose EdDSA verify ≈ 5.9k/s (sign is of that order)',
    ],
    [
      '2a',
      'downloads /s, 1 KiB, disk, 32 keep-alive conns',
      `${fmt(r.smallDisk.load.perSecond)} /s`,
      '—',
      'info',
      `${latency(r.smallDisk)}; ${cores(r.smallDisk)}; ${fmt(r.smallDisk.load.completed)} in ${fmt(r.smallDisk.load.seconds, 1)} s`,
      'nginx secure_link ≈ 58k/s, p99 ≈ 2 ms; node:http+jose+S3 proxy ≈ 1.35k/s',
    ],
    [
      '2b',
      'downloads /s, 1 KiB, S3 (s3rver), 32 conns',
      `${fmt(r.smallS3.load.perSecond)} /s`,
      '—',
      'info',
      `${latency(r.smallS3)}; ${cores(r.smallS3)}; ${fmt(r.smallS3.cpuPerRequest)} µs server CPU each`,
      's3rver presigned GET 1 KiB ≈ 2.1k/s; node proxy ≈ 1.35k/s',
    ],
    [
      '2c',
      'downloads /s, 1 KiB, disk, each token used once',
      `${fmt(r.cold.load.perSecond)} /s`,
      '—',
      'info',
      `${latency(r.cold)}; ${fmt(r.cold.load.completed)} tokens (of ${r.issued} issued); ${cores(r.cold)}`,
      'one jose EdDSA verify ≈ 125–170 µs',
    ],
    [
      '3a',
      `stream 256 MiB, direct presigned GET from s3rver (${r.streamClient})`,
      `${fmt(direct)} MB/s`,
      '(baseline)',
      'info',
      `rounds ${spread(r.streams.direct)}; s3rver ${fmt(median(r.streams.direct.map((v) => v.serverCores)), 2)} cores`,
      's3rver presigned ≈ 670 MB/s',
    ],
    [
      '3b',
      'stream 256 MiB, fuselink + S3 (same s3rver)',
      `${fmt(viaS3)} MB/s`,
      '',
      '',
      `rounds ${spread(r.streams.s3)}; fuselink ${fmt(median(r.streams.s3.map((v) => v.serverCores)), 2)} cores`,
      'node:http+jose+S3 proxy ≈ 700 MB/s',
    ],
    [
      '3c',
      'ratio fuselink+S3 / direct (medians)',
      fmt(ratio, 2),
      '≥ 0.90',
      verdict(ratio >= 0.9),
      `per round ${rounds.map((x) => fmt(x, 2)).join(' / ')}`,
      '',
    ],
    [
      '3d',
      'stream 256 MiB, fuselink + disk (reference)',
      `${fmt(viaDisk)} MB/s`,
      '—',
      'info',
      `rounds ${spread(r.streams.disk)}; fuselink ${fmt(median(r.streams.disk.map((v) => v.serverCores)), 2)} cores`,
      'nginx secure_link ≈ 1.9 GB/s',
    ],
    ...(['s3', 'disk'] as const).map((name, i) => [
      `4${'ab'[i]}`,
      `peak RSS, 8 × 256 MiB at once, fuselink + ${name}`,
      MB(peak(name)),
      '< 200 MB',
      verdict(peak(name) < 200e6),
      `VmRSS before ${MB(r.rss[name].before)}, sampled peak ${MB(r.rss[name].peakSampled)} (${r.rss[name].samples} samples, max gap ${fmt(r.rss[name].maxGapMs)} ms), VmHWM ${MB(r.rss[name].hwm)}${r.rss[name].hwmReset ? ' (reset before)' : ' (since start: reset refused)'}; ${fmt((8 * LARGE_SIZE) / 1e6 / r.rss[name].seconds)} MB/s total`,
      '',
    ]),
    [
      '5',
      'server CPU per 1 KiB download, disk (row 2a)',
      `${fmt(r.smallDisk.cpuPerRequest)} µs`,
      '≤ 300 µs',
      verdict(r.smallDisk.cpuPerRequest <= 300),
      `${fmt(r.smallDisk.cpuMicros / 1000)} ms CPU / ${fmt(r.smallDisk.load.completed)} downloads (/proc/<pid>/stat utime+stime)`,
      'nginx ≈ 15 µs; naive node:http+jose+S3 proxy ≈ 800 µs',
    ],
    [
      '5b',
      'server CPU per 1 KiB download, first-use tokens',
      `${fmt(r.cold.cpuPerRequest)} µs`,
      '—',
      'info',
      `${fmt(r.cold.cpuMicros / 1000)} ms / ${fmt(r.cold.load.completed)} (signature checked each time)`,
      'EdDSA verify alone ≈ 125 µs',
    ],
    [
      '6a',
      `Workers: downloads /s, 1 KiB, workerd + local D1 + S3, ${TIMING.workerConcurrency} conns`,
      `${fmt(r.workers.small.perSecond)} /s`,
      '—',
      'info',
      `p50 ${fmt(r.workers.small.latencyMs.p50, 2)} ms, p99 ${fmt(r.workers.small.latencyMs.p99, 2)} ms; ${fmt(r.workers.small.completed)} in ${fmt(r.workers.small.seconds, 1)} s; startup ${fmt(r.workers.startupMs)} ms (first request ${fmt(r.workers.firstRequestMs)} ms), ${fmt(r.workers.setupSeconds, 1)} s with bundle build + D1 migration; s3rver in the bench process`,
      `this run, Node: disk ${fmt(r.smallDisk.load.perSecond)} /s (2a), S3 ${fmt(r.smallS3.load.perSecond)} /s (2b)`,
    ],
    [
      '6b',
      `Workers: stream 256 MiB, workerd + S3 (${r.streamClient})`,
      `${fmt(mb(r.workers.streams))} MB/s`,
      '—',
      'info',
      `rounds ${spread(r.workers.streams)} (median); sha256 checked once`,
      `this run, Node: fuselink+S3 ${fmt(viaS3)} MB/s (3b), direct ${fmt(direct)} MB/s (3a)`,
    ],
  ]
  // The streaming row's verdict lives on the ratio row.
  rows[6]![3] = '—'
  rows[6]![4] = 'info'

  const out: string[] = []
  out.push('')
  out.push(`fuselink bench — ${new Date().toISOString()} — ${treeState()} — node ${process.version}, ${availableParallelism()} cores`)
  out.push(
    `load average (1/5/15 min) at start ${loadAtStart}, at end ${loadNow()}: above ${availableParallelism()} the machine was shared and every figure is pessimistic`,
  )
  out.push('MB = 10^6 bytes. Latency = request sent → last byte read, measured in the load generator (same machine, shared cores).')
  out.push('')
  out.push(table(rows))
  out.push('')
  const failed = checks.filter((c) => !c.ok)
  out.push(`correctness checks: ${checks.length - failed.length}/${checks.length} passed${failed.length ? ' — FIGURES ARE INVALID' : ''}`)
  for (const c of failed) out.push(`  FAILED: ${c.name}: ${c.detail}`)
  const targets = [ratio >= 0.9, peak('s3') < 200e6, peak('disk') < 200e6, r.smallDisk.cpuPerRequest <= 300]
  out.push(`targets: ${targets.filter(Boolean).length}/${targets.length} met${allChecksPass ? '' : ' (but checks failed)'}`)
  out.push(`total bench time ${fmt((performance.now() - benchStart) / 1000, 1)} s`)
  process.stdout.write(`${out.join('\n')}\n`)
  if (!allChecksPass) process.exitCode = 1
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 1
  })
  .finally(cleanupAll)
