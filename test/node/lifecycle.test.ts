import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { ROOT } from '../support/node-service'
import { freePort } from '../support/ports'
import { removeScratch, scratchDir } from '../support/scratch'
import { slowDownload, until } from '../support/slow-download'
import type { ServiceTarget } from '../support/target'

/*
 * The Node server as an operator runs it: `npm start`, stopped by a
 * supervisor's SIGTERM (docs/security.md, finding 9). Whatever `npm start`
 * runs (tsx, or compiled JavaScript), the signal must reach the server,
 * which stops accepting, lets transfers in flight finish up to
 * DRAIN_TIMEOUT, and exits 0.
 */

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: string | null; at: number }>
  base: string
  dataDir: string
  api: Api
}

const running: Started[] = []
afterEach(async () => {
  for (const started of running.splice(0)) {
    // The whole group: a server that outlived npm (the bug of finding 9) goes too.
    try {
      process.kill(-started.child.pid!, 'SIGKILL')
    } catch {
      // nothing left in the group
    }
    await started.exited
    removeScratch(started.dataDir)
  }
})

/** `npm start` in a process group of its own (as a supervisor starts it), waited for until it listens. */
async function npmStart(env: Record<string, string> = {}): Promise<Started> {
  const dataDir = scratchDir('lifecycle')
  const port = await freePort()
  const adminKey = 'lifecycle-admin-key-0123456789'
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  )
  const base = `http://127.0.0.1:${port}`
  const target = { baseUrl: base, adminKey } as ServiceTarget
  const started: Started = { child, output: () => text, exited, base, dataDir, api: new Api(target) }
  running.push(started)
  await until(() => text.includes('listening on') || child.exitCode !== null, 'npm start to listen', 60_000)
  if (!text.includes('listening on')) throw new Error(`npm start did not listen:\n${text}`)
  return started
}

/** Whether the port takes new connections. */
function accepts(base: string): Promise<boolean> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function readDatabase<T>(dataDir: string, sql: string): T[] {
  const db = new Database(join(dataDir, 'fuselink.db'), { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const SIZE = 24 * 1024 * 1024

describe('npm start, as a supervisor runs and stops it', () => {
  test('a port already in use ends start-up with one line naming PORT, not a stack trace', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const dataDir = scratchDir('port-in-use')
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/node/main.ts')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, ADMIN_API_KEY: 'port-in-use-admin-key-0123' },
      })
      let stderr = ''
      child.stderr.on('data', (chunk) => (stderr += chunk))
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      removeScratch(dataDir)
      expect(code).toBe(1)
      expect(stderr).not.toMatch(/^\s+at /m)
      const failures = stderr.split('\n').filter((line) => line.startsWith('fuselink:'))
      expect(failures).toEqual([
        `fuselink: bad configuration: PORT: 127.0.0.1:${port} is already in use; stop what listens there or choose another PORT`,
      ])
    } finally {
      blocker.close()
    }
  })

  test.each(['its PID', 'its process group, twice'])(
    'SIGTERM to %s: stops accepting at once, lets the download in flight finish, exits 0',
    async (how) => {
      const server = await npmStart({ DRAIN_TIMEOUT: '60' })
      const data = bytes(SIZE, 5)
      const file = await server.api.upload('big.bin', data)
      const link = await server.api.issue(file.id)
      const download = slowDownload(link.downloadUrl, { pauseMs: 15 })
      await until(() => download.received() > 1024 * 1024, 'the download to be under way')

      const signalled = Date.now()
      if (how === 'its PID') {
        process.kill(server.child.pid!, 'SIGTERM')
      } else {
        process.kill(-server.child.pid!, 'SIGTERM')
        process.kill(-server.child.pid!, 'SIGTERM')
      }
      await until(async () => !(await accepts(server.base)), 'the server to stop accepting', 3000)
      expect(Date.now() - signalled).toBeLessThan(3000)
      expect(download.received()).toBeLessThan(SIZE)

      const result = await download.done
      const exit = await server.exited
      expect(result.status).toBe(200)
      expect(result.complete).toBe(true)
      expect(sha256(result.body)).toBe(sha256(data))
      expect(exit).toMatchObject({ code: 0, signal: null })
      expect(server.output()).toMatch(/"message":"stopped","drained":true/)
      // The download was counted once and settled with every byte.
      expect(readDatabase(server.dataDir, 'SELECT downloads FROM links')).toEqual([{ downloads: 1 }])
      expect(readDatabase(server.dataDir, 'SELECT state, sent FROM transfers')).toEqual([{ state: 'done', sent: SIZE }])
    },
  )

  test('past DRAIN_TIMEOUT a stalled transfer is cut and settled with what it sent, and the server still exits 0', async () => {
    const server = await npmStart({ DRAIN_TIMEOUT: '1' })
    const file = await server.api.upload('stalled.bin', bytes(SIZE, 6))
    const link = await server.api.issue(file.id)
    const download = slowDownload(link.downloadUrl)
    await until(() => download.received() > 256 * 1024, 'the download to be under way')
    download.pause()

    const signalled = Date.now()
    process.kill(server.child.pid!, 'SIGTERM')
    const exit = await server.exited
    // The client reads again, and finds its transfer cut.
    download.resume()
    const result = await download.done
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(exit.at - signalled).toBeGreaterThanOrEqual(900)
    expect(exit.at - signalled).toBeLessThan(8000)
    expect(result.complete).toBe(false)
    expect(server.output()).toMatch(/"message":"stopped","drained":false/)
    const [transfer] = readDatabase<{ state: string; sent: number }>(server.dataDir, 'SELECT state, sent FROM transfers')
    expect(transfer!.state).toBe('cut')
    expect(transfer!.sent).toBeGreaterThanOrEqual(result.body.length)
    expect(transfer!.sent).toBeLessThan(SIZE)
  })
})
