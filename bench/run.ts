/**
 * `npm run bench`: fuselink's performance on this machine, one run, one table,
 * beside what the machine gives simpler servers in the same run:
 *
 *   - nginx with secure_link (Debian's nginx, one worker, sendfile) serving the same files,
 *   - a presigned GET straight from the same S3-protocol server (s3rver),
 *   - a bare Node static server (node:http piping a file, no checks),
 *   - for small S3 downloads, a naive proxy (node:http, jose, the SDK's GetObject).
 *
 * Rows: links issued per second; 1 KiB downloads per second and the server's
 * CPU per download (wrk, 32 connections); one and eight 256 MiB downloads
 * (curl) in MB/s and server CPU seconds per GiB; resident memory idle (2 s
 * after listening, and settled), with 8 large downloads and with 200 slow
 * clients; start time compiled vs tsx;
 * and the same small and large downloads through the local Workers runtime.
 * Each row says the machine's load while it ran (load average and the CPU
 * that processes outside the bench used): the machine has 2 cores and is
 * shared, so a row measured while others worked is marked.
 *
 * Every figure is checked on the side (statuses, bodies, byte counts,
 * sha256, link counters) so that a broken server cannot post a good number.
 * nginx, wrk and curl are installed with apt-get when missing.
 * Where the time goes: bench/profile.ts (CPU profiles, one scenario at a time).
 * What one sign-in costs: bench/sign-in.ts (run apart; docs/accounts.md).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import Database from 'better-sqlite3'
import { npmStartArgs } from '../test/support/node-service'
import { freePort } from '../test/support/ports'
import { startWorkerService, type WorkerServiceTarget } from '../test/support/worker-service'
import { ensureTools, startBareNode, startNaiveProxy, startNginx } from './lib/anchors'
import { deterministicBytes, writeDeterministicFile } from './lib/data'
import { fmt, median } from './lib/figures'
import { api, curlDownload, slowDownloads, streamDownload, uploadFile } from './lib/http'
import { descendantsNamed, measureWindow, type WindowResult } from './lib/machine'
import { memory, resetPeak, sampleRss } from './lib/proc'
import { cleanupAll, ROOT, startS3rverProcess, startServer, stopChild, stopServer, tempDir, track } from './lib/processes'
import { s3rverClient } from './lib/s3rver-client'
import { issueLinks, MAX_DOWNLOADS_PER_LINK } from './lib/scenario'
import { collectedTokens, runWrk, type WrkResult, type WrkSpec } from './lib/wrk'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const SMALL_SIZE = 1024
const LARGE_SIZE = 256 * MiB
/** When idle memory is read the second time: V8's memory reducer has run by then. */
const IDLE_SETTLE_MS = 15_000

const TIMING = {
  connections: 32,
  warmupSeconds: 1,
  smallSeconds: 5,
  linksSeconds: 8,
  coldSeconds: 2,
  streamRounds: 5,
  parallel: 8,
  slowClients: 200,
  slowRate: '20M',
  slowSeconds: 8,
  workerSmallSeconds: 4,
  workerStreamRounds: 2,
}

// ---------------------------------------------------------------- bookkeeping

const checks: { name: string; ok: boolean; detail: string }[] = []

function check(name: string, ok: boolean, detail = ''): boolean {
  checks.push({ name, ok, detail })
  if (!ok) process.stderr.write(`  CHECK FAILED: ${name} ${detail}\n`)
  return ok
}

const benchStart = performance.now()
function progress(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - benchStart) / 1000).toFixed(1).padStart(5)}s] ${message}\n`)
}

/** What a row says about the machine while it ran. */
const machine = (w: WindowResult) => `load ${fmt(w.load, 2)}, others ${fmt(w.others / w.seconds, 2)} cores`

// ---------------------------------------------------------------- small requests (wrk)

interface SmallRun {
  wrk: WrkResult
  /** Answers of the warm-up run (counted by the server too). */
  warmRequests: number
  window: WindowResult
  /** Server CPU per request, µs, for each measured process tree. */
  perRequest: Record<string, number>
}

/** A warm-up (on `warmSpec`'s paths when they must differ, one-use tokens), then the measured wrk run; every answer checked. */
async function small(
  label: string,
  origin: string,
  spec: WrkSpec,
  trees: Record<string, number>,
  seconds = TIMING.smallSeconds,
  warmSpec = spec,
): Promise<SmallRun> {
  progress(`${label}: wrk ${TIMING.connections} connections, ${TIMING.warmupSeconds} s warm-up + ${seconds} s`)
  const warm = await runWrk(origin, warmSpec, { connections: TIMING.connections, seconds: TIMING.warmupSeconds })
  const window = measureWindow(trees)
  const wrk = await runWrk(origin, spec, { connections: TIMING.connections, seconds })
  const measured = window.end()
  for (const [name, run] of [
    ['warm-up', warm],
    ['run', wrk],
  ] as const) {
    check(
      `${label} (${name}): every answer ${spec.status}${spec.expectBody ? ' with the exact body' : ''}`,
      run.badStatus === 0 && run.badBody === 0 && run.socketErrors === 0,
      `${run.badStatus} bad statuses, ${run.badBody} bad bodies, ${run.socketErrors} socket errors; ${run.firstBad}`,
    )
  }
  const perRequest = Object.fromEntries(Object.entries(measured.cpu).map(([name, cpu]) => [name, (cpu * 1e6) / wrk.requests]))
  return { wrk, warmRequests: warm.requests, window: measured, perRequest }
}

/** Downloads of `links` counted by the server, against the answers the client received (wrk drops up to one request in flight per connection and run when it stops). */
async function verifyCounted(
  label: string,
  server: { origin: string },
  key: string,
  links: { id: string }[],
  received: number,
  runs: number,
): Promise<void> {
  let counted = 0
  for (const link of links) counted += (await api(server.origin, key, 'GET', `/api/v1/links/${link.id}`)).downloads as number
  const slack = TIMING.connections * runs
  check(
    `${label}: the links' counters equal the downloads made`,
    counted >= received && counted <= received + slack,
    `server counted ${counted}, client received ${received} (at most ${slack} in flight when wrk stopped)`,
  )
}

/** 1 KiB downloads of `fileId` through six links of its own, each link's counter then checked against the downloads made. */
async function linkedSmall(
  label: string,
  server: { origin: string },
  key: string,
  fileId: string,
  expectBody: Buffer,
  trees: Record<string, number>,
  seconds = TIMING.smallSeconds,
): Promise<SmallRun> {
  const links = await issueLinks(server, key, fileId, 6, MAX_DOWNLOADS_PER_LINK)
  const run = await small(label, server.origin, { paths: links.map((l) => `/d/${l.token}`), status: 200, expectBody }, trees, seconds)
  await verifyCounted(label, server, key, links, run.wrk.requests + run.warmRequests, 2)
  return run
}

// ---------------------------------------------------------------- large downloads (curl)

interface Stream {
  mbPerSecond: number
  cpuPerGiB: number
  window: WindowResult
}

async function timedDownloads(label: string, url: string, count: number, pid: number): Promise<Stream> {
  const window = measureWindow({ server: pid })
  const started = performance.now()
  const results = await Promise.all(Array.from({ length: count }, () => curlDownload(url)))
  const seconds = (performance.now() - started) / 1000
  const measured = window.end()
  const complete = results.filter((r) => r.status === 200 && r.bytes === LARGE_SIZE && r.contentLength === LARGE_SIZE).length
  check(`${label}: ${count} × 200 and every byte`, complete === count, results.map((r) => `${r.status} ${r.bytes}`).join(', '))
  return {
    mbPerSecond: (count * LARGE_SIZE) / 1e6 / seconds,
    cpuPerGiB: measured.cpu.server! / ((count * LARGE_SIZE) / GiB),
    window: measured,
  }
}

interface Memory {
  before: number
  peak: number
  detail: string
}

/** Runs `work` while sampling the server's resident memory; the peak is the highest sample or VmHWM (reset before). */
async function peakMemory<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; memory: Memory }> {
  const before = memory(pid).rss
  const reset = resetPeak(pid)
  const sampler = sampleRss(pid, 5)
  const result = await work()
  const sampled = sampler.stop()
  const { hwm } = memory(pid)
  const peak = Math.max(sampled.peakRss, reset ? hwm : 0)
  return {
    result,
    memory: {
      before,
      peak,
      detail: `before ${MB(before)}, sampled peak ${MB(sampled.peakRss)} (${sampled.samples} samples), VmHWM ${MB(hwm)}${reset ? '' : ' (since start)'}`,
    },
  }
}

const MB = (bytes: number) => `${fmt(bytes / MiB, 1)} MiB`

// ---------------------------------------------------------------- start-up: compiled vs tsx

interface Startup {
  ms: number
  idleRss: number
}

async function startupOf(entry: 'compiled' | 'source', adminKey: string): Promise<Startup> {
  const port = await freePort()
  // node's own options as npm start gives them, for both: only the entry differs.
  const npmStart = npmStartArgs()
  const args = [
    ...npmStart.slice(0, -1),
    ...(entry === 'compiled' ? npmStart.slice(-1) : ['--import', 'tsx', join(ROOT, 'src/node/main.ts')]),
  ]
  const started = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      DATA_DIR: tempDir(`startup-${entry}`),
      ADMIN_API_KEY: adminKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  track(child)
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text
      if (/listening on/.test(out)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the ${entry} entry exited with ${code}`)))
  })
  const ms = performance.now() - started
  await sleep(2000)
  const idleRss = memory(child.pid!).rss
  await stopChild(child)
  return { ms, idleRss }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  ensureTools(progress)
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const files = tempDir('files')
  progress('generating the 1 KiB and 256 MiB files')
  const smallBytes = deterministicBytes(SMALL_SIZE, 1)
  writeFileSync(join(files, 'small.bin'), smallBytes)
  const largePath = join(files, 'large.bin')
  const largeSha = await writeDeterministicFile(largePath, LARGE_SIZE, 2)

  progress('start-up, compiled (npm start) and through tsx, local store')
  // The first compiled start rebuilds dist/node/ when src/ changed: not what a start costs.
  await startupOf('compiled', adminKey)
  const startup = { compiled: await startupOf('compiled', adminKey), tsx: await startupOf('source', adminKey) }

  progress('starting s3rver, fuselink (local store, S3), nginx and the bare Node server')
  const s3 = await startS3rverProcess()
  const disk = await startServer('disk', { adminKey })
  const s3Server = await startServer('s3', { adminKey, env: s3.env })
  // RSS 2 s after listening still holds start-up's young generation; V8's
  // memory reducer gives it back once the process has been idle for about
  // 8 s. Both are printed; the target is judged on the settled figure.
  await sleep(2000)
  const early = { disk: memory(disk.pid).rss, s3: memory(s3Server.pid).rss }
  await sleep(IDLE_SETTLE_MS - 2000)
  const idle = {
    disk: { early: early.disk, settled: memory(disk.pid).rss },
    s3: { early: early.s3, settled: memory(s3Server.pid).rss },
  }
  const nginx = await startNginx(files)
  const bare = await startBareNode(files)
  const s3Client = s3rverClient(s3)

  progress('uploading: 1 KiB and 256 MiB through fuselink (local store), 1 KiB through fuselink (S3); into s3rver directly + import')
  const smallDisk = await uploadFile(disk.origin, adminKey, join(files, 'small.bin'), 'small.bin')
  // The usual way in, into the service's own keys, whose small objects are
  // kept in memory after a first download; the imported copy is never kept.
  const smallS3Uploaded = await uploadFile(s3Server.origin, adminKey, join(files, 'small.bin'), 'small.bin')
  const largeDisk = await uploadFile(disk.origin, adminKey, largePath, 'large.bin')
  check('upload 256 MiB: size and sha256 as sent', largeDisk.size === LARGE_SIZE && largeDisk.sha256 === largeSha)
  for (const [key, body, size] of [
    ['bench/small.bin', smallBytes, SMALL_SIZE],
    ['bench/large.bin', createReadStream(largePath), LARGE_SIZE],
  ] as const) {
    await s3Client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentLength: size, ContentType: 'application/octet-stream' }),
    )
  }
  const smallS3 = await api(s3Server.origin, adminKey, 'POST', '/api/v1/files/import', { key: 'bench/small.bin', name: 'small.bin' }, 201)
  const largeS3 = await api(s3Server.origin, adminKey, 'POST', '/api/v1/files/import', { key: 'bench/large.bin', name: 'large.bin' }, 201)
  check('import from s3rver: sizes', smallS3.size === SMALL_SIZE && largeS3.size === LARGE_SIZE)
  const presign = (key: string) =>
    getSignedUrl(s3Client as any, new GetObjectCommand({ Bucket: s3.bucket, Key: key }) as any, { expiresIn: 3600 }).then(
      (url) => new URL(url),
    )

  // 1. Links issued per second, on the local-store server.
  const tokensOut = join(tempDir('tokens'), 'tokens')
  const linkBody = JSON.stringify({ fileId: smallDisk.id, expiresIn: 3600, maxDownloads: 1 })
  const links = await small(
    'links issued',
    disk.origin,
    {
      method: 'POST',
      paths: ['/api/v1/links'],
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: linkBody,
      status: 201,
      tokensOut,
    },
    { server: disk.pid },
    TIMING.linksSeconds,
  )
  const tokens = collectedTokens(tokensOut)
  const db = new Database(join(disk.dataDir, 'fuselink.db'), { readonly: true })
  const stored = (db.prepare('SELECT COUNT(*) AS n FROM links WHERE file_id = ?').get(smallDisk.id) as { n: number }).n
  db.close()
  check(
    'links issued: every 201 carried a token, and the links stored are those answered (warm-up included)',
    tokens.length === links.wrk.requests &&
      stored >= tokens.length + links.warmRequests &&
      stored <= tokens.length + links.warmRequests + 2 * TIMING.connections,
    `${tokens.length} tokens of ${links.wrk.requests} answers, ${links.warmRequests} in the warm-up, ${stored} links stored`,
  )

  // 2. Small downloads.
  const smallSpec = (paths: string[]): WrkSpec => ({ paths, status: 200, expectBody: smallBytes })
  const nginxSmall = await small('1 KiB, nginx secure_link', nginx.origin, smallSpec([nginx.path('small.bin')]), { server: nginx.pid })
  const bareSmall = await small('1 KiB, bare Node', bare.origin, smallSpec([bare.path('small.bin')]), { server: bare.pid })

  const diskLinks = await issueLinks(disk, adminKey, smallDisk.id, 16, MAX_DOWNLOADS_PER_LINK)
  const diskSmall = await small('1 KiB, fuselink local', disk.origin, smallSpec(diskLinks.map((l) => `/d/${l.token}`)), {
    server: disk.pid,
  })
  await verifyCounted('1 KiB, fuselink local', disk, adminKey, diskLinks, diskSmall.wrk.requests + diskSmall.warmRequests, 2)

  // Each token once: the warm-up takes the first third of the links, the run
  // the rest; wrk must stop before it wraps around to a used one.
  const coldPaths = tokens.map((t) => `/d/${t}`)
  const warmCount = Math.floor(coldPaths.length / 3)
  const cold = await small(
    '1 KiB, fuselink local, each token once',
    disk.origin,
    smallSpec(coldPaths.slice(warmCount)),
    { server: disk.pid },
    TIMING.coldSeconds,
    smallSpec(coldPaths.slice(0, warmCount)),
  )
  check(
    '1 KiB, each token once: fewer downloads than tokens',
    cold.warmRequests <= warmCount && cold.wrk.requests <= coldPaths.length - warmCount,
    `${tokens.length} tokens: ${cold.warmRequests} downloads in the warm-up (of ${warmCount}), ${cold.wrk.requests} in the run`,
  )

  const smallKey = `files/${smallS3Uploaded.id}`
  const presignedSmall = await presign(smallKey)
  const directSmall = await small(
    '1 KiB, presigned GET from s3rver',
    presignedSmall.origin,
    smallSpec([`${presignedSmall.pathname}${presignedSmall.search}`]),
    { s3rver: s3.child.pid! },
  )
  const naive = await startNaiveProxy(s3.env)
  const naiveSmall = await small('1 KiB, naive proxy (SDK) from s3rver', naive.origin, smallSpec([naive.path('bench/small.bin')]), {
    server: naive.pid,
    s3rver: s3.child.pid!,
  })
  await naive.stop()
  const s3Trees = { server: s3Server.pid, s3rver: s3.child.pid! }
  const s3Small = await linkedSmall('1 KiB, fuselink S3', s3Server, adminKey, smallS3Uploaded.id, smallBytes, s3Trees)
  const s3Imported = await linkedSmall('1 KiB, fuselink S3, imported', s3Server, adminKey, smallS3.id, smallBytes, s3Trees)

  // 3. One 256 MiB download at a time, interleaved rounds.
  const presignedLarge = (await presign('bench/large.bin')).href
  const [largeDiskLink] = await issueLinks(disk, adminKey, largeDisk.id, 1, MAX_DOWNLOADS_PER_LINK)
  const [largeS3Link] = await issueLinks(s3Server, adminKey, largeS3.id, 1, MAX_DOWNLOADS_PER_LINK)
  const paths = {
    nginx: { url: `${nginx.origin}${nginx.path('large.bin')}`, pid: nginx.pid },
    bare: { url: `${bare.origin}${bare.path('large.bin')}`, pid: bare.pid },
    disk: { url: `${disk.origin}/d/${largeDiskLink!.token}`, pid: disk.pid },
    direct: { url: presignedLarge, pid: s3.child.pid! },
    s3: { url: `${s3Server.origin}/d/${largeS3Link!.token}`, pid: s3Server.pid },
  }
  progress('256 MiB: one download per path with sha256 (warm-up)')
  for (const [name, path] of Object.entries(paths)) {
    const result = await streamDownload(path.url, { sha256: true })
    check(
      `256 MiB ${name}: 200, every byte, sha256 matches`,
      result.status === 200 && result.bytes === LARGE_SIZE && result.sha256 === largeSha,
      `${result.status} ${result.bytes}`,
    )
  }
  const one: Record<keyof typeof paths, Stream[]> = { nginx: [], bare: [], disk: [], direct: [], s3: [] }
  for (let round = 0; round < TIMING.streamRounds; round++) {
    progress(`256 MiB, one at a time, round ${round + 1} of ${TIMING.streamRounds} (curl)`)
    // The order turns each round, so that no path always runs right after the same one.
    const names = Object.keys(paths) as (keyof typeof paths)[]
    for (const name of names.map((_, i) => names[(i + round) % names.length]!))
      one[name].push(await timedDownloads(`256 MiB ${name} round ${round + 1}`, paths[name].url, 1, paths[name].pid))
  }

  // 4. Eight at once; fuselink's memory sampled meanwhile.
  const eight: Partial<Record<keyof typeof paths, Stream>> = {}
  const eightMemory: Partial<Record<'disk' | 's3', Memory>> = {}
  for (const name of Object.keys(paths) as (keyof typeof paths)[]) {
    progress(`256 MiB, ${TIMING.parallel} at once: ${name}`)
    if (name === 'disk' || name === 's3') {
      const { result, memory: used } = await peakMemory(paths[name].pid, () =>
        timedDownloads(`256 MiB ×${TIMING.parallel} ${name}`, paths[name].url, TIMING.parallel, paths[name].pid),
      )
      eight[name] = result
      eightMemory[name] = used
    } else {
      eight[name] = await timedDownloads(`256 MiB ×${TIMING.parallel} ${name}`, paths[name].url, TIMING.parallel, paths[name].pid)
    }
  }

  // 5. Slow clients.
  const slow: Partial<Record<'disk' | 's3', Memory & { window: WindowResult }>> = {}
  for (const [name, server, fileId] of [
    ['disk', disk, largeDisk.id],
    ['s3', s3Server, largeS3.id],
  ] as const) {
    progress(`${TIMING.slowClients} clients at ${TIMING.slowRate}B/s each for ${TIMING.slowSeconds} s: fuselink ${name}`)
    const [link] = await issueLinks(server, adminKey, fileId, 1, TIMING.slowClients)
    const window = measureWindow({ server: server.pid })
    const { result, memory: used } = await peakMemory(server.pid, () =>
      slowDownloads(`${server.origin}/d/${link!.token}`, TIMING.slowClients, TIMING.slowRate, TIMING.slowSeconds),
    )
    const measured = window.end()
    const served = result.filter((r) => r.status === 200 && r.bytes > 0).length
    check(`${TIMING.slowClients} slow clients, ${name}: each got 200 and bytes`, served === TIMING.slowClients, `${served} served`)
    const counted = (await api(server.origin, adminKey, 'GET', `/api/v1/links/${link!.id}`)).downloads
    check(
      `${TIMING.slowClients} slow clients, ${name}: ${TIMING.slowClients} downloads counted`,
      counted === TIMING.slowClients,
      `${counted}`,
    )
    slow[name] = { ...used, window: measured }
  }

  progress('stopping the Node servers and the anchors')
  s3Client.destroy()
  await Promise.all([stopServer(disk), stopServer(s3Server), nginx.stop(), bare.stop()])
  await stopChild(s3.child)

  // 6. The Worker.
  const workers = await workerPhase(join(files, 'small.bin'), smallBytes, largePath, largeSha)

  report({
    startup,
    idle,
    links,
    tokens: tokens.length,
    nginxSmall,
    bareSmall,
    diskSmall,
    cold,
    directSmall,
    naiveSmall,
    s3Small,
    s3Imported,
    one,
    eight,
    eightMemory,
    slow,
    workers,
  })
}

// ---------------------------------------------------------------- the Worker

interface WorkerFigures {
  /** An uploaded file, kept in the isolate after its first download. */
  small: SmallRun
  /** An imported object, read from storage every time. */
  imported: SmallRun
  streams: Stream[]
  setupSeconds: number
}

async function workerPhase(smallPath: string, smallBytes: Buffer, largePath: string, largeSha: string): Promise<WorkerFigures> {
  progress('Workers: building the bundle, migrating a local D1, starting workerd and its s3rver')
  const started = performance.now()
  const savedTmp = process.env.TMPDIR
  process.env.TMPDIR = tempDir('worker')
  let worker: WorkerServiceTarget
  try {
    worker = await startWorkerService({
      env: { RATE_LIMIT: '0', MAX_TRANSFERS_PER_LINK: '100000', MAX_TRANSFERS_PER_ADDRESS: '100000' },
      verifySignatures: false,
    })
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = savedTmp
  }
  const setupSeconds = (performance.now() - started) / 1000
  try {
    const origin = worker.baseUrl
    const key = worker.adminKey
    await worker.putObject('bench/small.bin', smallBytes)
    await worker.putLargeObject('bench/large.bin', createReadStream(largePath))
    const smallFile = await uploadFile(origin, key, smallPath, 'small.bin')
    const importedFile = await api(origin, key, 'POST', '/api/v1/files/import', { key: 'bench/small.bin', name: 'small.bin' }, 201)
    const largeFile = await api(origin, key, 'POST', '/api/v1/files/import', { key: 'bench/large.bin', name: 'large.bin' }, 201)
    check('Workers: upload and imports', smallFile.size === SMALL_SIZE && importedFile.size === SMALL_SIZE && largeFile.size === LARGE_SIZE)
    const [workerd] = descendantsNamed(process.pid, 'workerd')
    const trees = { workerd: workerd ?? process.pid, bench: process.pid }

    const seconds = TIMING.workerSmallSeconds
    const smallRun = await linkedSmall('Workers 1 KiB', { origin }, key, smallFile.id, smallBytes, trees, seconds)
    const importedRun = await linkedSmall('Workers 1 KiB, imported', { origin }, key, importedFile.id, smallBytes, trees, seconds)

    const [largeLink] = await issueLinks({ origin }, key, largeFile.id, 1, 100)
    const url = `${origin}/d/${largeLink!.token}`
    progress('Workers: 256 MiB with sha256 (warm-up), then timed rounds')
    const hashed = await streamDownload(url, { sha256: true })
    check(
      'Workers 256 MiB: 200, every byte, sha256 matches',
      hashed.status === 200 && hashed.bytes === LARGE_SIZE && hashed.sha256 === largeSha,
    )
    const streams: Stream[] = []
    for (let round = 0; round < TIMING.workerStreamRounds; round++)
      streams.push(await timedDownloads(`Workers 256 MiB round ${round + 1}`, url, 1, trees.workerd))
    return { small: smallRun, imported: importedRun, streams, setupSeconds }
  } finally {
    progress('Workers: stopping')
    await worker.stop()
  }
}

// ---------------------------------------------------------------- report

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

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}

function report(r: {
  startup: Record<'compiled' | 'tsx', Startup>
  idle: Record<'disk' | 's3', { early: number; settled: number }>
  links: SmallRun
  tokens: number
  nginxSmall: SmallRun
  bareSmall: SmallRun
  diskSmall: SmallRun
  cold: SmallRun
  directSmall: SmallRun
  naiveSmall: SmallRun
  s3Small: SmallRun
  s3Imported: SmallRun
  one: Record<'nginx' | 'bare' | 'disk' | 'direct' | 's3', Stream[]>
  eight: Partial<Record<'nginx' | 'bare' | 'disk' | 'direct' | 's3', Stream>>
  eightMemory: Partial<Record<'disk' | 's3', Memory>>
  slow: Partial<Record<'disk' | 's3', Memory & { window: WindowResult }>>
  workers: WorkerFigures
}): void {
  const allChecksPass = checks.every((c) => c.ok)
  const targets: boolean[] = []
  const verdict = (ok: boolean) => {
    targets.push(ok)
    return !allChecksPass ? 'INVALID' : ok ? 'PASS' : 'MISS'
  }
  const rate = (s: SmallRun) => `${fmt(s.wrk.perSecond)} /s`
  const lat = (s: SmallRun) => `p50 ${fmt(s.wrk.latencyMs.p50, 2)} ms, p99 ${fmt(s.wrk.latencyMs.p99, 2)} ms`
  const us = (n: number) => `${fmt(n)} µs`
  const medianOf = (streams: Stream[], pick: (s: Stream) => number) => median(streams.map(pick))
  const mbps = (streams: Stream[]) => medianOf(streams, (s) => s.mbPerSecond)
  const cpuGiB = (streams: Stream[]) => medianOf(streams, (s) => s.cpuPerGiB)
  const rounds = (streams: Stream[]) => streams.map((s) => fmt(s.mbPerSecond)).join(' / ')
  const worstLoad = (streams: Stream[]) =>
    streams.reduce((worst, s) => (s.window.others / s.window.seconds > worst.others / worst.seconds ? s.window : worst), streams[0]!.window)
  const e = r.eight as Required<typeof r.eight>
  const em = r.eightMemory as Required<typeof r.eightMemory>
  const sl = r.slow as Required<typeof r.slow>

  const oneDisk = mbps(r.one.disk) / mbps(r.one.nginx)
  const oneS3 = mbps(r.one.s3) / mbps(r.one.direct)
  const eightDisk = e.disk.mbPerSecond / e.nginx.mbPerSecond
  const eightS3 = e.s3.mbPerSecond / e.direct.mbPerSecond

  const rows: string[][] = [
    ['#', 'measure', 'fuselink', 'anchor, same run', 'ratio', 'fuselink CPU', 'target', 'verdict', 'machine during the row'],
  ]
  const add = (...cells: string[]) => rows.push(cells)

  add(
    'L1',
    '256 MiB, one download, local store (curl)',
    `${fmt(mbps(r.one.disk))} MB/s (${rounds(r.one.disk)})`,
    `nginx ${fmt(mbps(r.one.nginx))} MB/s at ${fmt(cpuGiB(r.one.nginx), 2)} s/GiB; bare Node ${fmt(mbps(r.one.bare))} MB/s at ${fmt(cpuGiB(r.one.bare), 2)} s/GiB`,
    fmt(oneDisk, 2),
    `${fmt(cpuGiB(r.one.disk), 2)} s/GiB`,
    '≥ 0.70, ≤ 0.8 s/GiB',
    verdict(oneDisk >= 0.7 && cpuGiB(r.one.disk) <= 0.8),
    machine(worstLoad([...r.one.disk, ...r.one.nginx])),
  )
  add(
    'L2',
    `256 MiB, ${TIMING.parallel} at once, local store`,
    `${fmt(e.disk.mbPerSecond)} MB/s`,
    `nginx ${fmt(e.nginx.mbPerSecond)} MB/s at ${fmt(e.nginx.cpuPerGiB, 2)} s/GiB; bare Node ${fmt(e.bare.mbPerSecond)} MB/s at ${fmt(e.bare.cpuPerGiB, 2)} s/GiB`,
    fmt(eightDisk, 2),
    `${fmt(e.disk.cpuPerGiB, 2)} s/GiB`,
    '≥ 0.70, ≤ 0.8 s/GiB',
    verdict(eightDisk >= 0.7 && e.disk.cpuPerGiB <= 0.8),
    machine(e.disk.window),
  )
  add(
    'L3',
    '256 MiB, one download, S3 store (s3rver)',
    `${fmt(mbps(r.one.s3))} MB/s (${rounds(r.one.s3)})`,
    `presigned GET ${fmt(mbps(r.one.direct))} MB/s (s3rver ${fmt(cpuGiB(r.one.direct), 2)} s/GiB)`,
    fmt(oneS3, 2),
    `${fmt(cpuGiB(r.one.s3), 2)} s/GiB`,
    '≥ 0.90, ≤ 0.8 s/GiB',
    verdict(oneS3 >= 0.9 && cpuGiB(r.one.s3) <= 0.8),
    machine(worstLoad([...r.one.s3, ...r.one.direct])),
  )
  add(
    'L4',
    `256 MiB, ${TIMING.parallel} at once, S3 store`,
    `${fmt(e.s3.mbPerSecond)} MB/s`,
    `presigned GET ${fmt(e.direct.mbPerSecond)} MB/s`,
    fmt(eightS3, 2),
    `${fmt(e.s3.cpuPerGiB, 2)} s/GiB`,
    '≥ 0.90, ≤ 0.8 s/GiB',
    verdict(eightS3 >= 0.9 && e.s3.cpuPerGiB <= 0.8),
    machine(e.s3.window),
  )
  add(
    'S1',
    `1 KiB downloads, local store (wrk, ${TIMING.connections} conns)`,
    `${rate(r.diskSmall)}, ${lat(r.diskSmall)}`,
    `nginx ${rate(r.nginxSmall)} at ${us(r.nginxSmall.perRequest.server!)}; bare Node ${rate(r.bareSmall)} at ${us(r.bareSmall.perRequest.server!)}`,
    fmt(r.diskSmall.wrk.perSecond / r.nginxSmall.wrk.perSecond, 2),
    us(r.diskSmall.perRequest.server!),
    '≤ 150 µs',
    verdict(r.diskSmall.perRequest.server! <= 150),
    machine(r.diskSmall.window),
  )
  add(
    'S2',
    '1 KiB downloads, local store, each token used once',
    `${rate(r.cold)}, ${lat(r.cold)}`,
    `${fmt(r.tokens)} tokens from row I1`,
    '',
    us(r.cold.perRequest.server!),
    '—',
    'info',
    machine(r.cold.window),
  )
  add(
    'S3',
    '1 KiB downloads, S3 store (an uploaded file: kept in memory after its first download)',
    `${rate(r.s3Small)}, ${lat(r.s3Small)}`,
    `presigned GET ${rate(r.directSmall)} (s3rver ${us(r.directSmall.perRequest.s3rver!)}); naive proxy ${rate(r.naiveSmall)} at ${us(r.naiveSmall.perRequest.server!)} own (+ s3rver ${us(r.naiveSmall.perRequest.s3rver!)})`,
    fmt(r.s3Small.wrk.perSecond / r.directSmall.wrk.perSecond, 2),
    `${us(r.s3Small.perRequest.server!)} (+ s3rver ${us(r.s3Small.perRequest.s3rver!)})`,
    '≤ 500 µs',
    verdict(r.s3Small.perRequest.server! <= 500),
    machine(r.s3Small.window),
  )
  add(
    'S3i',
    '1 KiB downloads, S3 store, an imported object (never kept: storage is read every time)',
    `${rate(r.s3Imported)}, ${lat(r.s3Imported)}`,
    'as in S3',
    fmt(r.s3Imported.wrk.perSecond / r.directSmall.wrk.perSecond, 2),
    `${us(r.s3Imported.perRequest.server!)} (+ s3rver ${us(r.s3Imported.perRequest.s3rver!)})`,
    '—',
    'info',
    machine(r.s3Imported.window),
  )
  add(
    'I1',
    `links issued (POST /api/v1/links, ${TIMING.connections} in flight)`,
    `${rate(r.links)}, ${lat(r.links)}`,
    '',
    '',
    us(r.links.perRequest.server!),
    '≥ 5,000 /s',
    verdict(r.links.wrk.perSecond >= 5000),
    machine(r.links.window),
  )
  for (const name of ['disk', 's3'] as const) {
    add(
      `M1${name === 'disk' ? 'a' : 'b'}`,
      `resident memory idle after start (settled, ${IDLE_SETTLE_MS / 1000} s after listening), ${name === 'disk' ? 'local store' : 'S3 store'}`,
      `${MB(r.idle[name].settled)} (2 s after listening: ${MB(r.idle[name].early)})`,
      '',
      '',
      '',
      '≤ 80 MiB',
      verdict(r.idle[name].settled <= 80 * MiB),
      '',
    )
  }
  for (const name of ['disk', 's3'] as const) {
    add(
      `M2${name === 'disk' ? 'a' : 'b'}`,
      `peak memory, ${TIMING.parallel} × 256 MiB at once, ${name === 'disk' ? 'local store' : 'S3 store'}`,
      MB(em[name].peak),
      em[name].detail,
      '',
      '',
      '< 150 MiB',
      verdict(em[name].peak < 150 * MiB),
      machine(e[name].window),
    )
  }
  for (const name of ['disk', 's3'] as const) {
    add(
      `M3${name === 'disk' ? 'a' : 'b'}`,
      `peak memory, ${TIMING.slowClients} clients at ${TIMING.slowRate}B/s, ${name === 'disk' ? 'local store' : 'S3 store'}`,
      MB(sl[name].peak),
      sl[name].detail,
      '',
      '',
      '< 150 MiB',
      verdict(sl[name].peak < 150 * MiB),
      machine(sl[name].window),
    )
  }
  add(
    'T1',
    'start to listening, and idle memory: compiled (npm start) vs tsx',
    `${fmt(r.startup.compiled.ms)} ms, ${MB(r.startup.compiled.idleRss)}`,
    `tsx: ${fmt(r.startup.tsx.ms)} ms, ${MB(r.startup.tsx.idleRss)}`,
    '',
    '',
    '—',
    'info',
    '',
  )
  const w = r.workers
  add(
    'W1',
    '1 KiB downloads, Workers (local workerd, D1, s3rver), an uploaded file (kept in the isolate)',
    `${rate(w.small)}, ${lat(w.small)}`,
    `Node this run: local ${rate(r.diskSmall)}, S3 ${rate(r.s3Small)}`,
    '',
    `workerd ${us(w.small.perRequest.workerd!)} (+ s3rver and wrk-side ${us(w.small.perRequest.bench!)})`,
    '—',
    'info',
    machine(w.small.window),
  )
  add(
    'W1i',
    '1 KiB downloads, Workers, an imported object (storage read every time)',
    `${rate(w.imported)}, ${lat(w.imported)}`,
    `Node this run: S3 imported ${rate(r.s3Imported)}`,
    '',
    `workerd ${us(w.imported.perRequest.workerd!)} (+ s3rver and wrk-side ${us(w.imported.perRequest.bench!)})`,
    '—',
    'info',
    machine(w.imported.window),
  )
  add(
    'W2',
    '256 MiB, one download, Workers (curl)',
    `${fmt(mbps(w.streams))} MB/s (${rounds(w.streams)})`,
    `Node this run: S3 ${fmt(mbps(r.one.s3))} MB/s, presigned ${fmt(mbps(r.one.direct))} MB/s`,
    '',
    `workerd ${fmt(cpuGiB(w.streams), 2)} s/GiB`,
    '—',
    'info',
    machine(worstLoad(w.streams)),
  )

  const out: string[] = ['']
  out.push(`fuselink bench — ${new Date().toISOString()} — ${treeState()} — node ${process.version}, ${availableParallelism()} cores`)
  out.push(
    `load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )}. "others" is the CPU that processes outside this bench used during the row (cores): above ~0.2 the row was measured on a shared machine and is pessimistic.`,
  )
  out.push('MB = 10^6 bytes, MiB = 2^20. CPU from /proc (user + system) of the serving process tree; µs per request, s per GiB sent.')
  out.push('')
  out.push(table(rows))
  out.push('')
  const failed = checks.filter((c) => !c.ok)
  out.push(`correctness checks: ${checks.length - failed.length}/${checks.length} passed${failed.length ? ' — FIGURES ARE INVALID' : ''}`)
  for (const c of failed) out.push(`  FAILED: ${c.name}: ${c.detail}`)
  out.push(`targets: ${targets.filter(Boolean).length}/${targets.length} met${allChecksPass ? '' : ' (but checks failed)'}`)
  out.push(
    `Workers set-up ${fmt(w.setupSeconds, 1)} s (bundle, D1 migration, workerd); total bench time ${fmt((performance.now() - benchStart) / 1000, 1)} s`,
  )
  process.stdout.write(`${out.join('\n')}\n`)
  if (!allChecksPass) process.exitCode = 1
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 1
  })
  .finally(cleanupAll)
