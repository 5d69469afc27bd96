/**
 * Where a fuselink server spends its CPU, one scenario at a time.
 *
 *   npx tsx bench/profile.ts <scenario> [--interval=µs] [--top=N] [--keep]
 *   npx tsx bench/profile.ts summary <file.cpuprofile> [--top=N]
 *
 * Scenarios: small-disk, small-s3, cold-disk (each token used once), links,
 * stream-s3, stream-disk (three 256 MiB downloads one after the other),
 * parallel-s3, parallel-disk (eight at once).
 *
 * The server runs with bench/lib/profiler-hook.mjs (NODE_OPTIONS=--import;
 * Node 20 refuses --cpu-prof there), which records V8's sampling profiler
 * between two signals: the profile covers the scenario's load only, after a
 * warm-up, not start-up and setup.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { randomBytes } from 'node:crypto'
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { renderSummary, summarise } from './lib/cpuprofile'
import { deterministicBytes, writeDeterministicFile } from './lib/data'
import { flag } from './lib/figures'
import { api, streamDownload, uploadFile } from './lib/http'
import { cpuMicros } from './lib/proc'
import {
  cleanupAll,
  type S3rverProcess,
  startProfile,
  startS3rverProcess,
  startServer,
  stopChild,
  stopProfile,
  stopServer,
  tempDir,
} from './lib/processes'
import { s3rverClient } from './lib/s3rver-client'
import { issueLinks, linkIssuing, MAX_DOWNLOADS_PER_LINK, measured, smallDownloads } from './lib/scenario'

const SCENARIOS = ['small-disk', 'small-s3', 'cold-disk', 'links', 'stream-s3', 'stream-disk', 'parallel-s3', 'parallel-disk'] as const
type Scenario = (typeof SCENARIOS)[number]

const args = process.argv.slice(2)
const top = Number(flag('top') ?? 30)

async function run(scenario: Scenario): Promise<void> {
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const work = tempDir('profile-data')
  const keep = args.includes('--keep')
  const profilePath = join(keep ? mkdtempSync(join(tmpdir(), 'fuselink-profile-')) : work, `${scenario}.cpuprofile`)
  const useS3 = scenario.endsWith('-s3')
  const s3: S3rverProcess | null = useS3 ? await startS3rverProcess() : null
  const server = await startServer(useS3 ? 's3' : 'disk', {
    adminKey,
    env: s3?.env ?? {},
    profilePath,
    profileInterval: Number(flag('interval') ?? 200),
    // The sources, so that the profile names each module (the compiled bundle is one file).
    entry: 'source',
  })

  let count = 0
  let unit = 'request'
  const small = deterministicBytes(1024, 1)
  const smallPath = join(work, 'small.bin')
  writeFileSync(smallPath, small)

  if (scenario === 'small-disk' || scenario === 'small-s3' || scenario === 'cold-disk' || scenario === 'links') {
    const file = await uploadFile(server.origin, adminKey, smallPath, 'small.bin')
    const tokens: string[] = []
    // Warm-up (JIT, SQLite page cache, connections), then the profiled load.
    await measured(server, { concurrency: 16, warmupMs: 0, durationMs: 1000, next: linkIssuing(adminKey, file.id, tokens) })
    if (scenario === 'links') {
      await startProfile(server)
      const result = await measured(server, {
        concurrency: 16,
        warmupMs: 0,
        durationMs: 4000,
        next: linkIssuing(adminKey, file.id, tokens),
      })
      await stopProfile(server)
      count = result.load.completed
      unit = 'link'
      console.log(
        `${result.load.perSecond.toFixed(0)} links/s, ${result.cpuPerRequest.toFixed(0)} µs server CPU each, failures ${result.load.failures}`,
      )
    } else {
      if (scenario === 'cold-disk') {
        // More first-use tokens than the profiled load can use up.
        await measured(server, { concurrency: 16, warmupMs: 0, durationMs: 4000, next: linkIssuing(adminKey, file.id, tokens) })
      }
      const hot = (await issueLinks(server, adminKey, file.id, 12, MAX_DOWNLOADS_PER_LINK)).map((l) => l.token)
      const warm = smallDownloads(hot, small)
      await measured(server, { concurrency: 32, warmupMs: 0, durationMs: 1000, next: warm.next })
      const source = scenario === 'cold-disk' ? smallDownloads(tokens, small, 1) : warm
      await startProfile(server)
      const result = await measured(server, { concurrency: 32, warmupMs: 0, durationMs: 5000, next: source.next })
      await stopProfile(server)
      count = result.load.completed
      unit = 'download'
      console.log(
        `${result.load.perSecond.toFixed(0)} downloads/s, ${result.cpuPerRequest.toFixed(0)} µs server CPU each (/proc), failures ${result.load.failures} ${result.load.failureSamples.join(' | ')}`,
      )
    }
  } else {
    const size = 256 * 1024 * 1024
    const largePath = join(work, 'large.bin')
    await writeDeterministicFile(largePath, size, 2)
    let fileId: string
    if (s3) {
      const client = s3rverClient(s3)
      await client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: 'bench/large.bin', Body: createReadStream(largePath), ContentLength: size }),
      )
      client.destroy()
      fileId = (await api(server.origin, adminKey, 'POST', '/api/v1/files/import', { key: 'bench/large.bin' }, 201)).id
    } else {
      fileId = (await uploadFile(server.origin, adminKey, largePath, 'large.bin')).id
    }
    const [link] = await issueLinks(server, adminKey, fileId, 1, 100)
    const url = `${server.origin}/d/${link!.token}`
    const parallel = scenario.startsWith('parallel') ? 8 : 1
    const rounds = parallel === 1 ? 3 : 1
    await streamDownload(url) // warm-up
    await startProfile(server)
    for (let round = 0; round < rounds; round++) {
      const cpu0 = cpuMicros(server.pid)
      const started = performance.now()
      const results = await Promise.all(Array.from({ length: parallel }, () => streamDownload(url)))
      const seconds = (performance.now() - started) / 1000
      const cpu = (cpuMicros(server.pid) - cpu0) / 1e6
      for (const r of results) console.log(`${r.status} ${r.bytes} bytes ${r.mbPerSecond.toFixed(0)} MB/s`)
      console.log(`  server CPU ${(cpu / ((parallel * size) / 1e9)).toFixed(2)} s per GB, ${(cpu / seconds).toFixed(2)} cores`)
    }
    await stopProfile(server)
    count = (rounds * parallel * size) / 1e9
    unit = 'GB'
  }

  await stopServer(server)
  if (s3) await stopChild(s3.child)
  console.log(`\nscenario ${scenario}: ${count.toFixed(unit === 'GB' ? 2 : 0)} ${unit}s profiled`)
  console.log(renderSummary(summarise(profilePath), { top, perUnit: { count, label: unit } }))
  if (keep) console.log(`\nprofile kept: ${profilePath}`)
}

async function main(): Promise<void> {
  const [command, path] = args
  if (command === 'summary' && path) {
    console.log(renderSummary(summarise(path), { top }))
    return
  }
  if (!SCENARIOS.includes(command as Scenario)) {
    console.error(`usage: npx tsx bench/profile.ts <${SCENARIOS.join('|')}> | summary <file.cpuprofile>`)
    process.exitCode = 2
    return
  }
  await run(command as Scenario)
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanupAll)
