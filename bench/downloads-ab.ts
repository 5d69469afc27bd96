/**
 * Small downloads (1 KiB, GET /d/<token>), this checkout against another
 * revision, in one run: wrk with 32 connections on each in turn, several
 * rounds, the order turned each round; downloads per second and server CPU
 * per download (from /proc) as medians. Three rows, as `npm run bench`'s S1,
 * S2 and S3: the local store with 16 links used again and again, the local
 * store with each token used once (its signature checked on every download),
 * and the S3 store (s3rver, its CPU apart). Every answer must be 200 with the
 * exact body; the links' counters must equal the downloads made.
 *
 *   npx tsx bench/downloads-ab.ts --baseline=<git revision> [--rounds=5] [--seconds=4] [--rows=hot,cold,s3]
 *
 * Where the time goes: `npx tsx bench/profile.ts small-disk` (or cold-disk,
 * small-s3). Not part of `npm test`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { deterministicBytes } from './lib/data'
import { flag, fmt, median } from './lib/figures'
import { api, uploadFile } from './lib/http'
import { measureWindow } from './lib/machine'
import { checkout, cleanupAll, type Server, startS3rverProcess, startServer, stopChild, stopServer, tempDir } from './lib/processes'
import { s3rverClient } from './lib/s3rver-client'
import { issueLinks, MAX_DOWNLOADS_PER_LINK } from './lib/scenario'
import { collectedTokens, runWrk, type WrkSpec } from './lib/wrk'

const ROUNDS = Number(flag('rounds') ?? 5)
const SECONDS = Number(flag('seconds') ?? 4)
const BASELINE = flag('baseline')
const ROWS = (flag('rows') ?? 'hot,cold,s3').split(',') as Row[]
const CONNECTIONS = 32
const HOT_LINKS = 16

type Row = 'hot' | 'cold' | 's3'
const TITLES: Record<Row, string> = {
  hot: '1 KiB, local store, 16 links used again and again (S1)',
  cold: '1 KiB, local store, each token used once (S2)',
  s3: '1 KiB, S3 store (S3)',
}

interface Side {
  name: string
  server: Server
  fileId: string
  hot: { id: string; token: string }[]
  /** Downloads answered on the hot links, to hold against their counters. */
  answered: number
  runs: number
}

interface Sample {
  perSecond: number
  cpuMicros: number
  s3rverMicros: number
  others: number
}

async function main(): Promise<void> {
  if (!BASELINE)
    throw new Error('usage: npx tsx bench/downloads-ab.ts --baseline=<git revision> [--rounds=5] [--seconds=4] [--rows=hot,cold,s3]')
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const small = deterministicBytes(1024, 1)
  const smallPath = join(tempDir('downloads-ab'), 'small.bin')
  writeFileSync(smallPath, small)
  const baselineRoot = checkout(BASELINE)
  const revisions = [
    { name: 'this checkout', root: undefined },
    { name: `at ${BASELINE}`, root: baselineRoot },
  ]

  const s3 = ROWS.includes('s3') ? await startS3rverProcess() : null
  if (s3) {
    const client = s3rverClient(s3)
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'bench/small.bin', Body: small }))
    client.destroy()
  }

  const sides = new Map<'disk' | 's3', Side[]>()
  for (const store of ROWS.includes('hot') || ROWS.includes('cold') ? (['disk'] as const) : []) sides.set(store, [])
  if (s3) sides.set('s3', [])
  for (const [store, list] of sides) {
    for (const revision of revisions) {
      const server = await startServer(`downloads-${store}-${list.length}`, {
        adminKey,
        env: store === 's3' ? s3!.env : {},
        ...(revision.root ? { root: revision.root } : {}),
      })
      const fileId =
        store === 's3'
          ? (await api(server.origin, adminKey, 'POST', '/api/v1/files/import', { key: 'bench/small.bin', name: 'small.bin' }, 201)).id
          : (await uploadFile(server.origin, adminKey, smallPath, 'small.bin')).id
      const hot = await issueLinks(server, adminKey, fileId, HOT_LINKS, MAX_DOWNLOADS_PER_LINK)
      list.push({ name: revision.name, server, fileId, hot, answered: 0, runs: 0 })
    }
  }

  const spec = (paths: string[]): WrkSpec => ({ paths, status: 200, expectBody: small })
  const hotSpec = (side: Side) => spec(side.hot.map((l) => `/d/${l.token}`))
  /** One-use tokens for a cold run: links issued by wrk for three times as long as the run lasts (issuing is not much slower than downloading them). */
  const coldTokens = async (side: Side) => {
    const tokensOut = join(tempDir('downloads-ab-tokens'), 'tokens')
    await runWrk(
      side.server.origin,
      {
        method: 'POST',
        paths: ['/api/v1/links'],
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fileId: side.fileId, expiresIn: 3600, maxDownloads: 1 }),
        status: 201,
        tokensOut,
      },
      // wrk's threads take every n-th path each: a thread faster than the others must not come round to a used token.
      { connections: CONNECTIONS, seconds: SECONDS * 3 },
    )
    return collectedTokens(tokensOut).map((t) => `/d/${t}`)
  }

  // Warm-up: JIT, SQLite's page cache, connections (to s3rver too).
  for (const list of sides.values()) {
    for (const side of list) {
      const warm = await runWrk(side.server.origin, hotSpec(side), { connections: CONNECTIONS, seconds: 1 })
      side.answered += warm.requests
      side.runs++
    }
  }

  const samples = new Map<string, Sample[]>()
  for (let round = 0; round < ROUNDS; round++) {
    const line: string[] = []
    for (const row of ROWS) {
      const list = sides.get(row === 's3' ? 's3' : 'disk')!
      const order = round % 2 === 0 ? list : [...list].reverse()
      for (const side of order) {
        const paths = row === 'cold' ? await coldTokens(side) : null
        const window = measureWindow({ server: side.server.pid, ...(row === 's3' ? { s3rver: s3!.child.pid! } : {}) })
        const result = await runWrk(side.server.origin, paths ? spec(paths) : hotSpec(side), { connections: CONNECTIONS, seconds: SECONDS })
        const measured = window.end()
        if (result.badStatus + result.badBody + result.socketErrors > 0) throw new Error(`${row}, ${side.name}: ${result.firstBad}`)
        if (paths && result.requests >= paths.length) throw new Error(`${row}, ${side.name}: more downloads than one-use tokens`)
        if (!paths) {
          side.answered += result.requests
          side.runs++
        }
        const key = `${row}\n${side.name}`
        samples.set(key, [
          ...(samples.get(key) ?? []),
          {
            perSecond: result.perSecond,
            cpuMicros: (measured.cpu.server! * 1e6) / result.requests,
            s3rverMicros: ((measured.cpu.s3rver ?? 0) * 1e6) / result.requests,
            others: measured.others / measured.seconds,
          },
        ])
        line.push(`${row} ${side.name} ${fmt(result.perSecond)}/s`)
      }
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS}: ${line.join(', ')}\n`)
  }

  // Counting is checked on the side: every hot download answered was counted, at most one in flight per connection and run more.
  for (const list of sides.values()) {
    for (const side of list) {
      let counted = 0
      for (const link of side.hot)
        counted += (await api(side.server.origin, adminKey, 'GET', `/api/v1/links/${link.id}`)).downloads as number
      const slack = CONNECTIONS * side.runs
      if (counted < side.answered || counted > side.answered + slack) {
        throw new Error(`${side.server.name} (${side.name}): counted ${counted}, answered ${side.answered} (slack ${slack})`)
      }
    }
  }

  console.log(`\nGET /d/<token> of 1 KiB, wrk ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s; medians; counters checked`)
  console.log('| row | server | downloads/s | server CPU µs per download | s3rver µs | others (cores) |')
  console.log('|---|---|---|---|---|---|')
  for (const row of ROWS) {
    for (const revision of revisions) {
      const own = samples.get(`${row}\n${revision.name}`)!
      const s3rver = row === 's3' ? fmt(median(own.map((s) => s.s3rverMicros))) : '—'
      console.log(
        `| ${TITLES[row]} | ${revision.name} | ${fmt(median(own.map((s) => s.perSecond)))} | ${fmt(median(own.map((s) => s.cpuMicros)))} | ${s3rver} | ${fmt(median(own.map((s) => s.others)), 2)} |`,
      )
    }
  }
  for (const list of sides.values()) await Promise.all(list.map((side) => stopServer(side.server)))
  if (s3) await stopChild(s3.child)
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanupAll)
