/**
 * Resident memory, A/B in one run: fuselink started as `npm start` does, on
 * the local store and on S3 (s3rver), in variants that differ by node's own
 * options (`--flags`) or by revision (`--baseline`), several rounds, the order
 * turned each round. Per variant and store, one fresh server each round:
 *
 *   - idle RSS 2 s after it listens (the bench's M1), and the first request's time;
 *   - 1 KiB downloads with wrk (32 connections, 4 s): per second, server CPU µs each
 *     (what a smaller young generation costs in garbage collection);
 *   - one 256 MiB download (MB/s, server CPU s/GiB: what a memory bound must not cost);
 *   - the RSS peak (sampled, and VmHWM) with 8 × 256 MiB at once (M2), MB/s and CPU;
 *   - the RSS peak with 200 curls at 20 MB/s each for 8 s (M3), and the CPU meanwhile.
 *
 *   npx tsx bench/memory-ab.ts [--rounds=3] [--baseline=<git revision>] [--flags='<a>;<b>']
 *
 * `--flags` lists variants of node options for this checkout, `;` between
 * variants, spaces within one (an empty one: none), e.g.
 * `--flags=';--max-semi-space-size=2'`. A word of the form `NAME=value` with an
 * upper-case name is an environment variable of that variant instead, e.g.
 * `--flags=';GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536'`. Without
 * `--flags`, this checkout runs as it is. Not part of `npm test`: it prints figures and checks statuses,
 * bytes and counters, it asserts no timing.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { randomBytes } from 'node:crypto'
import { createReadStream, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { writeDeterministicFile } from './lib/data'
import { flag, fmt, median } from './lib/figures'
import { api, curlDownload, slowDownloads, uploadFile } from './lib/http'
import { measureWindow } from './lib/machine'
import { memory, resetPeak, sampleRss } from './lib/proc'
import { checkout, ROOT, startS3rverProcess, startServer, stopChild, stopServer, tempDir } from './lib/processes'
import { s3rverClient } from './lib/s3rver-client'
import { issueLinks } from './lib/scenario'
import { runWrk } from './lib/wrk'

const ROUNDS = Number(flag('rounds') ?? 3)
const BASELINE = flag('baseline')
/** `NAME=value`: an environment variable among a variant's words. */
const ENV_WORD = /^([A-Z_][A-Z0-9_]*)=(.*)$/
const FLAG_SETS = (flag('flags') ?? '').split(';').map((set) => set.split(' ').filter(Boolean))
const MiB = 1024 ** 2
const GiB = 1024 ** 3
const SIZE = 256 * MiB
const PARALLEL = 8
const SLOW = { clients: 200, rate: '20M', seconds: 8 }

interface Variant {
  name: string
  root: string
  nodeFlags: string[]
  env: Record<string, string>
}

interface Sample {
  startMs: number
  idleMiB: number
  firstRequestMs: number
  smallPerSecond: number
  smallCpuMicros: number
  oneMBs: number
  oneCpuPerGiB: number
  eightMBs: number
  eightCpuPerGiB: number
  eightPeakMiB: number
  slowPeakMiB: number
  slowCpuSeconds: number
  othersCores: number
}

/** The highest RSS while `work` runs: sampled every 5 ms, and VmHWM reset before. */
async function peakOf<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  const reset = resetPeak(pid)
  const sampler = sampleRss(pid, 5)
  const result = await work()
  const { peakRss } = sampler.stop()
  return { result, peakMiB: Math.max(peakRss, reset ? memory(pid).hwm : 0) / MiB }
}

/** `SLOW.clients` curls reading at `SLOW.rate` each for `SLOW.seconds`; how many got a 200 and bytes. */
async function slowClients(url: string): Promise<number> {
  const answers = await slowDownloads(url, SLOW.clients, SLOW.rate, SLOW.seconds)
  return answers.filter((a) => a.status === 200 && a.bytes > 0).length
}

async function measure(
  variant: Variant,
  store: 'disk' | 's3',
  adminKey: string,
  files: { largePath: string; smallPath: string },
  s3env: Record<string, string>,
): Promise<Sample> {
  const { largePath, smallPath } = files
  const server = await startServer(`${store}-${variant.name.replace(/\W/g, '_')}`, {
    adminKey,
    root: variant.root,
    nodeFlags: variant.nodeFlags,
    env: { ...(store === 's3' ? s3env : {}), ...variant.env },
  })
  const others = measureWindow({ server: server.pid })
  await sleep(2000)
  const idleMiB = memory(server.pid).rss / MiB
  // The first call that needs storage: an import on S3, an upload on disk.
  const firstStarted = performance.now()
  const file =
    store === 's3'
      ? await api(server.origin, adminKey, 'POST', '/api/v1/files/import', { key: 'bench/large.bin' }, 201)
      : await uploadFile(server.origin, adminKey, largePath, 'large.bin')
  const firstRequestMs = store === 's3' ? performance.now() - firstStarted : Number.NaN
  if (file.size !== SIZE) throw new Error(`${variant.name} ${store}: the file has ${file.size} bytes`)
  const [link] = await issueLinks(server, adminKey, file.id, 1, 10_000)
  const url = `${server.origin}/d/${link!.token}`

  const small = await uploadFile(server.origin, adminKey, smallPath, 'small.bin')
  const smallLinks = await issueLinks(server, adminKey, small.id, 4, 10_000)
  const spec = { paths: smallLinks.map((l) => `/d/${l.token}`), status: 200, expectBody: readFileSync(smallPath) }
  await runWrk(server.origin, spec, { connections: 32, seconds: 1 })
  const smallWindow = measureWindow({ server: server.pid })
  const wrk = await runWrk(server.origin, spec, { connections: 32, seconds: 4 })
  const smallCpu = smallWindow.end().cpu.server!
  if (wrk.badStatus + wrk.badBody + wrk.socketErrors > 0) throw new Error(`${variant.name} ${store}, 1 KiB: ${wrk.firstBad}`)

  const downloads = async (count: number) => {
    const window = measureWindow({ server: server.pid })
    const started = performance.now()
    const results = await Promise.all(Array.from({ length: count }, () => curlDownload(url)))
    const seconds = (performance.now() - started) / 1000
    const measured = window.end()
    for (const r of results)
      if (r.status !== 200 || r.bytes !== SIZE) throw new Error(`${variant.name} ${store}: ${r.status}, ${r.bytes} bytes`)
    return { mbPerSecond: (count * SIZE) / 1e6 / seconds, cpuPerGiB: measured.cpu.server! / ((count * SIZE) / GiB) }
  }
  const one = await downloads(1)
  const eight = await peakOf(server.pid, () => downloads(PARALLEL))

  const slowWindow = measureWindow({ server: server.pid })
  const slow = await peakOf(server.pid, () => slowClients(url))
  const slowCpuSeconds = slowWindow.end().cpu.server!
  if (slow.result !== SLOW.clients) throw new Error(`${variant.name} ${store}: ${slow.result} of ${SLOW.clients} slow clients served`)
  const counted = (await api(server.origin, adminKey, 'GET', `/api/v1/links/${link!.id}`)).downloads
  if (counted !== 1 + PARALLEL + SLOW.clients) throw new Error(`${variant.name} ${store}: ${counted} downloads counted`)
  const window = others.end()
  await stopServer(server)
  return {
    startMs: server.startupMs,
    idleMiB,
    firstRequestMs,
    smallPerSecond: wrk.perSecond,
    smallCpuMicros: (smallCpu * 1e6) / wrk.requests,
    oneMBs: one.mbPerSecond,
    oneCpuPerGiB: one.cpuPerGiB,
    eightMBs: eight.result.mbPerSecond,
    eightCpuPerGiB: eight.result.cpuPerGiB,
    eightPeakMiB: eight.peakMiB,
    slowPeakMiB: slow.peakMiB,
    slowCpuSeconds,
    othersCores: window.others / window.seconds,
  }
}

async function main(): Promise<void> {
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const variants: Variant[] = FLAG_SETS.map((words) => {
    const variant: Variant = { name: words.join(' ') || 'this checkout', root: ROOT, nodeFlags: [], env: {} }
    for (const word of words) {
      const [, name, value] = ENV_WORD.exec(word) ?? []
      if (name !== undefined && value !== undefined) variant.env[name] = value
      else variant.nodeFlags.push(word)
    }
    return variant
  })
  if (BASELINE) variants.push({ name: `at ${BASELINE}`, root: checkout(BASELINE), nodeFlags: [], env: {} })

  const s3 = await startS3rverProcess()
  const largePath = join(tempDir('memory-ab'), 'large.bin')
  await writeDeterministicFile(largePath, SIZE, 2)
  const smallPath = join(tempDir('memory-ab'), 'small.bin')
  writeFileSync(smallPath, randomBytes(1024))
  const client = s3rverClient(s3)
  await client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: 'bench/large.bin', Body: createReadStream(largePath), ContentLength: SIZE }),
  )
  client.destroy()

  const samples = new Map<string, Sample[]>()
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!)
    for (const variant of order) {
      for (const store of ['disk', 's3'] as const) {
        const sample = await measure(variant, store, adminKey, { largePath, smallPath }, s3.env)
        const key = `${variant.name} | ${store}`
        samples.set(key, [...(samples.get(key) ?? []), sample])
        process.stderr.write(
          `round ${round + 1}/${ROUNDS} ${key}: idle ${fmt(sample.idleMiB, 1)}, 8× peak ${fmt(sample.eightPeakMiB, 1)}, slow peak ${fmt(sample.slowPeakMiB, 1)} MiB\n`,
        )
      }
    }
  }
  await stopChild(s3.child)

  console.log(`\n${ROUNDS} rounds; medians (min–max for RSS)`)
  console.log(
    '| variant | store | start ms | idle RSS MiB | first import ms | 1 KiB /s (CPU µs) | 1 × 256 MiB MB/s (s/GiB) | 8 × 256 MiB MB/s (s/GiB) | 8× peak MiB | 200 slow peak MiB | slow CPU s | others (cores) |',
  )
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const [key, own] of samples) {
    const m = (pick: (s: Sample) => number, digits = 0) => fmt(median(own.map(pick)), digits)
    const range = (pick: (s: Sample) => number) =>
      `${m(pick, 1)} (${fmt(Math.min(...own.map(pick)), 1)}–${fmt(Math.max(...own.map(pick)), 1)})`
    const [name, store] = key.split(' | ')
    console.log(
      `| ${name} | ${store} | ${m((s) => s.startMs)} | ${range((s) => s.idleMiB)} | ${store === 's3' ? m((s) => s.firstRequestMs, 1) : '—'} | ${m((s) => s.smallPerSecond)} (${m((s) => s.smallCpuMicros)}) | ${m((s) => s.oneMBs)} (${m((s) => s.oneCpuPerGiB, 2)}) | ${m((s) => s.eightMBs)} (${m((s) => s.eightCpuPerGiB, 2)}) | ${range((s) => s.eightPeakMiB)} | ${range((s) => s.slowPeakMiB)} | ${m((s) => s.slowCpuSeconds, 2)} | ${m((s) => s.othersCores, 2)} |`,
    )
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
