/**
 * The S3 large-download path, A/B in one run: the same object read straight
 * from s3rver (a presigned GET) and through fuselink, one after the other,
 * several rounds, the order turned each round. On a shared 2-core machine a
 * single pair means little; the medians of many alternating pairs, and the
 * CPU seconds each process spent per GiB (from /proc, which load inflates
 * far less than it slows wall time), are what to compare.
 *
 *   npx tsx bench/s3-stream.ts [--rounds=7] [--mib=256] [--parallel=1] [--baseline=<git revision>]
 *
 * --baseline also runs fuselink as of that revision (git archive of it, built
 * as `npm start` builds) beside this checkout's, on the same s3rver and object:
 * before and after a change, in the same minutes. Where the time goes inside
 * fuselink: `npx tsx bench/profile.ts stream-s3`. Not part of `npm test`; it
 * prints figures and checks bytes and counters, it asserts no timing.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { randomBytes } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { startNaiveProxy } from './lib/anchors'
import { writeDeterministicFile } from './lib/data'
import { flag, fmt, median } from './lib/figures'
import { api, curlDownload, streamDownload } from './lib/http'
import { measureWindow } from './lib/machine'
import { checkout, cleanupAll, type Server, startS3rverProcess, startServer, stopChild, stopServer, tempDir } from './lib/processes'
import { s3rverClient } from './lib/s3rver-client'
import { issueLinks } from './lib/scenario'

const ROUNDS = Number(flag('rounds') ?? 7)
const SIZE = Number(flag('mib') ?? 256) * 1024 * 1024
const PARALLEL = Number(flag('parallel') ?? 1)
const BASELINE = flag('baseline')
const GiB = 1024 ** 3

/** CPU seconds of this process's reaped children (the curls), from /proc/self/stat's cutime and cstime. */
function reapedChildrenSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[13]) + Number(fields[14])) / 100
}

/** Bytes and system calls of reading and writing so far (/proc/<pid>/io): how many calls a GiB takes, whatever the load. */
function io(pid: number): { rchar: number; wchar: number; syscr: number; syscw: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8')
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
  return { rchar: field('rchar'), wchar: field('wchar'), syscr: field('syscr'), syscw: field('syscw') }
}

interface Path {
  name: string
  url: string
  /** The serving process whose CPU is the path's own. */
  pid: number
  server?: Server
  linkId?: string
}

interface Sample {
  mbPerSecond: number
  /** CPU seconds per GiB served: the path's server, s3rver, curl, and everything outside this run. */
  serverPerGiB: number
  s3rverPerGiB: number
  curlPerGiB: number
  othersCores: number
  /** The serving process's read and write system calls per MiB served, and the average bytes each moved. */
  readsPerMiB: number
  writesPerMiB: number
  bytesPerRead: number
  bytesPerWrite: number
  /** s3rver's write system calls per MiB: how smoothly the path takes what storage sends. */
  s3rverWritesPerMiB: number
}

async function measure(path: Path, s3rverPid: number): Promise<Sample> {
  const trees = { server: path.pid, s3rver: s3rverPid }
  const window = measureWindow(trees)
  const curl0 = reapedChildrenSeconds()
  const io0 = io(path.pid)
  const s3rverIo0 = io(s3rverPid)
  const started = performance.now()
  const results = await Promise.all(Array.from({ length: PARALLEL }, () => curlDownload(path.url)))
  const seconds = (performance.now() - started) / 1000
  const curl = reapedChildrenSeconds() - curl0
  const measured = window.end()
  const io1 = io(path.pid)
  const s3rverIo1 = io(s3rverPid)
  for (const r of results) {
    if (r.status !== 200 || r.bytes !== SIZE) throw new Error(`${path.name}: ${r.status}, ${r.bytes} of ${SIZE} bytes`)
  }
  const gib = (PARALLEL * SIZE) / GiB
  return {
    mbPerSecond: (PARALLEL * SIZE) / 1e6 / seconds,
    // The direct path's server is s3rver itself: its CPU is not counted twice.
    serverPerGiB: path.pid === s3rverPid ? 0 : measured.cpu.server! / gib,
    s3rverPerGiB: measured.cpu.s3rver! / gib,
    curlPerGiB: curl / gib,
    othersCores: measured.others / measured.seconds,
    readsPerMiB: (io1.syscr - io0.syscr) / (gib * 1024),
    writesPerMiB: (io1.syscw - io0.syscw) / (gib * 1024),
    bytesPerRead: (io1.rchar - io0.rchar) / (io1.syscr - io0.syscr),
    bytesPerWrite: (io1.wchar - io0.wchar) / (io1.syscw - io0.syscw),
    s3rverWritesPerMiB: (s3rverIo1.syscw - s3rverIo0.syscw) / (gib * 1024),
  }
}

async function main(): Promise<void> {
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const s3 = await startS3rverProcess()
  const servers: Server[] = [await startServer('s3-this', { adminKey, env: s3.env })]
  if (BASELINE) servers.push(await startServer('s3-baseline', { adminKey, env: s3.env, root: checkout(BASELINE) }))

  const largePath = join(tempDir('s3-stream'), 'large.bin')
  const sha = await writeDeterministicFile(largePath, SIZE, 2)
  const client = s3rverClient(s3)
  await client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: 'bench/large.bin', Body: createReadStream(largePath), ContentLength: SIZE }),
  )
  const presigned = await getSignedUrl(client as any, new GetObjectCommand({ Bucket: s3.bucket, Key: 'bench/large.bin' }) as any, {
    expiresIn: 3600,
  })
  client.destroy()

  // The Node proxy written the obvious way (the SDK's body piped to the
  // response, nothing counted): what a proxy in this runtime costs at least.
  const naive = await startNaiveProxy(s3.env)
  const paths: Path[] = [
    { name: 'direct (presigned GET)', url: presigned, pid: s3.child.pid! },
    { name: 'naive proxy (SDK body piped)', url: `${naive.origin}${naive.path('bench/large.bin')}`, pid: naive.pid },
  ]
  for (const server of servers) {
    const file = await api(server.origin, adminKey, 'POST', '/api/v1/files/import', { key: 'bench/large.bin' }, 201)
    const [link] = await issueLinks(server, adminKey, file.id, 1, 10_000)
    const label = server.name === 's3-this' ? 'fuselink (this checkout)' : `fuselink at ${BASELINE}`
    paths.push({ name: label, url: `${server.origin}/d/${link!.token}`, pid: server.pid, server, linkId: link!.id })
  }

  // A warm-up that also proves every path serves the object's exact bytes.
  for (const path of paths) {
    const result = await streamDownload(path.url, { sha256: true })
    if (result.status !== 200 || result.sha256 !== sha) throw new Error(`${path.name}: ${result.status}, sha256 differs`)
  }

  const samples = new Map<string, Sample[]>(paths.map((p) => [p.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    // The order turns each round, so that no path always runs after the same one.
    const order = paths.map((_, i) => paths[(i + round) % paths.length]!)
    const line: string[] = []
    for (const path of order) {
      const sample = await measure(path, s3.child.pid!)
      samples.get(path.name)!.push(sample)
      line.push(`${path.name.split(' (')[0]} ${fmt(sample.mbPerSecond)} MB/s`)
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS}: ${line.join(', ')}\n`)
  }

  for (const path of paths) {
    if (!path.server) continue
    const downloads = (await api(path.server.origin, adminKey, 'GET', `/api/v1/links/${path.linkId}`)).downloads as number
    const made = 1 + ROUNDS * PARALLEL
    if (downloads !== made) throw new Error(`${path.name}: the link counted ${downloads} downloads, ${made} were made`)
  }

  const direct = samples.get(paths[0]!.name)!
  console.log(
    `\n${fmt(SIZE / 1024 / 1024)} MiB × ${PARALLEL} at once, ${ROUNDS} rounds; medians (per-round ratios to direct: their median)`,
  )
  console.log(
    '| path | MB/s | ratio | server s/GiB | s3rver s/GiB | curl s/GiB | others (cores) | server reads/MiB (KiB each) | writes/MiB (KiB each) | s3rver writes/MiB |',
  )
  console.log('|---|---|---|---|---|---|---|---|---|---|')
  for (const path of paths) {
    const own = samples.get(path.name)!
    const ratio = median(own.map((s, i) => s.mbPerSecond / direct[i]!.mbPerSecond))
    const m = (pick: (s: Sample) => number, digits = 2) => fmt(median(own.map(pick)), digits)
    console.log(
      `| ${path.name} | ${m((s) => s.mbPerSecond, 0)} | ${fmt(ratio, 2)} | ${path === paths[0] ? '—' : m((s) => s.serverPerGiB)} | ${m((s) => s.s3rverPerGiB)} | ${m((s) => s.curlPerGiB)} | ${m((s) => s.othersCores)} | ${m((s) => s.readsPerMiB, 1)} (${m((s) => s.bytesPerRead / 1024, 1)}) | ${m((s) => s.writesPerMiB, 1)} (${m((s) => s.bytesPerWrite / 1024, 1)}) | ${m((s) => s.s3rverWritesPerMiB, 1)} |`,
    )
  }
  await Promise.all([...servers.map(stopServer), naive.stop()])
  await stopChild(s3.child)
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanupAll)
