/**
 * Issuing links (POST /api/v1/links), this checkout against another revision,
 * in one run: wrk with 32 connections on each in turn, several rounds, the
 * order turned each round; links per second and server CPU per link (from
 * /proc) as medians. Every answer must be 201 with a token.
 *
 *   npx tsx bench/links-ab.ts --baseline=<git revision> [--rounds=5] [--seconds=4]
 *
 * Where the time goes: `npx tsx bench/profile.ts links`. Not part of `npm test`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { flag, fmt, median } from './lib/figures'
import { uploadFile } from './lib/http'
import { measureWindow } from './lib/machine'
import { checkout, cleanupAll, type Server, startServer, stopServer, tempDir } from './lib/processes'
import { runWrk } from './lib/wrk'

const ROUNDS = Number(flag('rounds') ?? 5)
const SECONDS = Number(flag('seconds') ?? 4)
const BASELINE = flag('baseline')
const CONNECTIONS = 32

async function main(): Promise<void> {
  if (!BASELINE) throw new Error('usage: npx tsx bench/links-ab.ts --baseline=<git revision> [--rounds=5] [--seconds=4]')
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`
  const servers: Server[] = [
    await startServer('links-this', { adminKey }),
    await startServer('links-baseline', { adminKey, root: checkout(BASELINE) }),
  ]
  const names = new Map([
    [servers[0]!, 'this checkout'],
    [servers[1]!, `at ${BASELINE}`],
  ])
  const smallPath = join(tempDir('links-ab'), 'small.bin')
  writeFileSync(smallPath, randomBytes(1024))
  const specs = new Map<Server, Parameters<typeof runWrk>[1]>()
  for (const server of servers) {
    const file = await uploadFile(server.origin, adminKey, smallPath, 'small.bin')
    specs.set(server, {
      method: 'POST',
      paths: ['/api/v1/links'],
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileId: file.id, expiresIn: 3600, maxDownloads: 1 }),
      status: 201,
      tokensOut: join(tempDir('links-ab-tokens'), 'tokens'),
    })
    // Warm-up: JIT, SQLite's page cache, connections.
    await runWrk(server.origin, specs.get(server)!, { connections: CONNECTIONS, seconds: 1 })
  }

  const samples = new Map<Server, { perSecond: number; cpuMicros: number; others: number }[]>(servers.map((s) => [s, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse()
    const line: string[] = []
    for (const server of order) {
      const window = measureWindow({ server: server.pid })
      const result = await runWrk(server.origin, specs.get(server)!, { connections: CONNECTIONS, seconds: SECONDS })
      const measured = window.end()
      if (result.badStatus + result.badBody + result.socketErrors > 0) throw new Error(`${names.get(server)}: ${result.firstBad}`)
      samples.get(server)!.push({
        perSecond: result.perSecond,
        cpuMicros: (measured.cpu.server! * 1e6) / result.requests,
        others: measured.others / measured.seconds,
      })
      line.push(`${names.get(server)} ${fmt(result.perSecond)}/s`)
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS}: ${line.join(', ')}\n`)
  }

  console.log(`\nPOST /api/v1/links, wrk ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s; medians`)
  console.log('| server | links/s | server CPU µs per link | others (cores) |')
  console.log('|---|---|---|---|')
  for (const server of servers) {
    const own = samples.get(server)!
    console.log(
      `| ${names.get(server)} | ${fmt(median(own.map((s) => s.perSecond)))} | ${fmt(median(own.map((s) => s.cpuMicros)))} | ${fmt(median(own.map((s) => s.others)), 2)} |`,
    )
  }
  await Promise.all(servers.map(stopServer))
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanupAll)
