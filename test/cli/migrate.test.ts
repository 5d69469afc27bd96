import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, test } from 'vitest'
import { runCli } from '../support/cli'
import { ROOT, spawnNodeEntry, stopProcess } from '../support/node-service'
import { freePort } from '../support/ports'
import { scratchDir } from '../support/scratch'

// `fuselink migrate` prepares the Node database exactly as the server does at start.

test('migrate applies every migration once, recorded as the server records them, so the server finds nothing to do', async () => {
  const dataDir = scratchDir('cli-migrate')
  const home = scratchDir('cli-migrate-home')
  const expected = readdirSync(join(ROOT, 'migrations'))
    .filter((name) => name.endsWith('.sql'))
    .sort()

  const first = await runCli(['migrate', '--json'], { env: { HOME: home, DATA_DIR: dataDir } })
  expect(first.code, first.stderr).toBe(0)
  expect(JSON.parse(first.stdout)).toEqual({ database: join(dataDir, 'fuselink.db'), applied: expected })
  const again = await runCli(['migrate', '--data-dir', dataDir], { env: { HOME: home } })
  expect(again.code, again.stderr).toBe(0)
  expect(again.stdout).toBe(`${join(dataDir, 'fuselink.db')} is up to date\n`)

  const db = new Database(join(dataDir, 'fuselink.db'), { readonly: true })
  try {
    expect((db.prepare('SELECT name FROM d1_migrations ORDER BY id').all() as { name: string }[]).map((row) => row.name)).toEqual(expected)
  } finally {
    db.close()
  }
  const port = await freePort()
  const server = await spawnNodeEntry({ PORT: String(port), DATA_DIR: dataDir, ADMIN_API_KEY: 'test-admin-key-for-migrate' })
  try {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    expect(server.stderr.join('')).not.toContain('migrations applied')
  } finally {
    await stopProcess(server)
  }
})
