import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { ROOT } from '../../tools/workerd/runtime'
import { freePort } from '../support/ports'
import { removeScratch, scratchDir } from '../support/scratch'

// `npm run dev:worker` as a user runs it: configured from the environment like
// `npm start`, state kept under DATA_DIR, a key printed once.
const dataDir = scratchDir('dev-worker')
afterAll(() => removeScratch(dataDir))

interface Run {
  child: ChildProcess
  stdout: string
  stderr: string
  exited: Promise<number | null>
}

async function devWorker(env: Record<string, string>, waitFor: RegExp | null = /listening on/): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/workerd/dev.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const run: Run = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.once('exit', resolve)) }
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (run.stdout += text))
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (run.stderr += text))
  if (waitFor) {
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (!waitFor.test(run.stdout)) return
        clearInterval(poll)
        resolve()
      }, 50)
      void run.exited.then((code) => {
        clearInterval(poll)
        reject(new Error(`dev:worker exited with ${code}:\n${run.stderr}`))
      })
    })
  }
  return run
}

async function stop(run: Run): Promise<number | null> {
  run.child.kill('SIGTERM')
  return run.exited
}

test('serves the contract on PORT, prints a generated ADMIN_API_KEY once, keeps state across restarts', async () => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = { PORT: String(port), DATA_DIR: dataDir }

  const first = await devWorker(env)
  const printed = first.stdout.split('\n').filter((line) => line.startsWith('ADMIN_API_KEY='))
  expect(printed).toHaveLength(1)
  expect(first.stdout).toContain(`fuselink listening on http://127.0.0.1:${port}`)
  const auth = { authorization: `Bearer ${printed[0]!.slice('ADMIN_API_KEY='.length)}` }
  expect((await fetch(`${base}/healthz`)).status).toBe(200)
  const upload = await fetch(`${base}/api/v1/files?name=kept.txt`, { method: 'POST', headers: auth, body: 'kept across restarts' })
  expect(upload.status).toBe(201)
  const file = await upload.json()
  expect(await stop(first)).toBe(0)

  const second = await devWorker(env)
  expect(second.stdout).not.toContain('ADMIN_API_KEY=')
  const link = await fetch(`${base}/api/v1/links`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ fileId: file.id, expiresIn: 60 }),
  })
  expect(link.status).toBe(201)
  const { downloadUrl } = await link.json()
  // PUBLIC_URL defaults to http://localhost:$PORT, as for `npm start`.
  expect(downloadUrl).toMatch(new RegExp(`^http://localhost:${port}/d/`))
  const download = await fetch(downloadUrl.replace('localhost', '127.0.0.1'))
  expect(download.status).toBe(200)
  expect(await download.text()).toBe('kept across restarts')
  expect(await stop(second)).toBe(0)
}, 120_000)

test('stops with one line naming a bad setting', async () => {
  const run = await devWorker({ PORT: String(await freePort()), DATA_DIR: dataDir, MAX_LINK_TTL: 'a week' }, null)
  expect(await run.exited).toBe(1)
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^fuselink: bad configuration: MAX_LINK_TTL: /)])
}, 60_000)
