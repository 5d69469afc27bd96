/**
 * `npx tsx bench/sign-in.ts`: what one sign-in costs the server in CPU, on
 * Node (the real entry) and on the Worker (the deploy bundle in workerd),
 * read from /proc/<pid>/stat of the server process around a run of
 * sign-ins, less the CPU of as many `GET /api/v1/me` with an API key (the
 * rest of a request). The cost is the password hash (docs/accounts.md,
 * "Password hashing"); a wrong password or an unknown user costs the same.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { startWorkerService } from '../test/support/worker-service'
import { cpuMicros } from './lib/proc'
import { cleanupAll, startServer, stopServer } from './lib/processes'

const ROUNDS = 20
const PASSWORD = 'correct horse battery'
const ADMIN_KEY = 'bench-admin-key-0123456789'

interface Figures {
  cpuMs: number
  wallMs: number
}

/** The pids of this process's children named `name` (Miniflare starts workerd as one). */
function childrenNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return ppid === process.pid && comm === name ? [Number(entry)] : []
      } catch {
        return []
      }
    })
}

async function measure(origin: string, adminKey: string, pid: number): Promise<Figures> {
  const json = { 'content-type': 'application/json' }
  const created = await fetch(`${origin}/api/v1/users`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ username: 'bench-user', role: 'user', password: PASSWORD }),
  })
  if (created.status !== 201) throw new Error(`creating the user: ${created.status} ${await created.text()}`)
  const signIn = async () => {
    const response = await fetch(`${origin}/api/v1/sessions`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'bench-user', password: PASSWORD }),
    })
    if (response.status !== 201) throw new Error(`sign-in: ${response.status} ${await response.text()}`)
    await response.arrayBuffer()
  }
  const me = async () => {
    const response = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${adminKey}` } })
    if (response.status !== 200) throw new Error(`me: ${response.status}`)
    await response.arrayBuffer()
  }
  // Warm up both paths (JIT, the isolate, statement caches).
  for (let i = 0; i < 3; i++) {
    await signIn()
    await me()
  }
  const run = async (request: () => Promise<void>) => {
    const cpu = cpuMicros(pid)
    const started = performance.now()
    for (let i = 0; i < ROUNDS; i++) await request()
    return { cpu: (cpuMicros(pid) - cpu) / ROUNDS / 1000, wall: (performance.now() - started) / ROUNDS }
  }
  const baseline = await run(me)
  const signIns = await run(signIn)
  return { cpuMs: signIns.cpu - baseline.cpu, wallMs: signIns.wall - baseline.wall }
}

async function main(): Promise<void> {
  const node = await startServer('sign-in', { adminKey: ADMIN_KEY })
  const onNode = await measure(node.origin, ADMIN_KEY, node.pid)
  await stopServer(node)

  const before = new Set(childrenNamed('workerd'))
  const worker = await startWorkerService({ env: { RATE_LIMIT: '0' } })
  const [workerd] = childrenNamed('workerd').filter((pid) => !before.has(pid))
  if (workerd === undefined) throw new Error('no workerd process found among this process’s children')
  const onWorker = await measure(worker.baseUrl, worker.adminKey, workerd)
  await worker.stop()

  const row = (name: string, f: Figures) => `| ${name} | ${f.cpuMs.toFixed(0)} ms | ${f.wallMs.toFixed(0)} ms |`
  console.log(`One sign-in, over ${ROUNDS} (server CPU from /proc, less a GET /api/v1/me; load average ${loadavg()[0]!.toFixed(1)})`)
  console.log('| runtime | server CPU | time to answer |')
  console.log('| --- | --- | --- |')
  console.log(row('Node (src/node/main.ts)', onNode))
  console.log(row('Workers (workerd, local)', onWorker))
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanupAll)
