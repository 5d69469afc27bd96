import { chmodSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { Api } from '../support/api'
import { spawnNodeEntry, stopProcess } from '../support/node-service'
import { freePort } from '../support/ports'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'

// Finding 8 of the security review (docs/security.md): the database, the
// stored files and the data directory were world-readable under the usual
// umask (022). Everything the Node entry creates is now its owner's alone.

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) removeScratch(dir)
})

/** Every path under `root`, itself included. */
function walk(root: string): string[] {
  return [
    root,
    ...readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
      const path = join(entry.parentPath, entry.name)
      return entry.isDirectory() ? walk(path) : [path]
    }),
  ]
}

test('DATA_DIR, the database and its journal, the objects and their directories are 0700/0600', async () => {
  const parent = scratchDir('permissions')
  dirs.push(parent)
  const dataDir = join(parent, 'data')
  const port = await freePort()
  const env = {
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_API_KEY: 'permissions-admin-key-0123456789',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  }
  const previous = process.umask(0o022)
  try {
    const running = await spawnNodeEntry(env)
    const api = new Api({ baseUrl: `http://127.0.0.1:${port}`, adminKey: env.ADMIN_API_KEY } as ServiceTarget)
    await api.upload('private.txt', 'nobody else may read this')
    const paths = walk(dataDir)
    expect(paths.map((path) => path.slice(dataDir.length))).toEqual(
      expect.arrayContaining([
        '',
        '/fuselink.db',
        '/fuselink.db-wal',
        '/fuselink.db-shm',
        '/signing-key.json',
        '/objects',
        '/objects/files',
      ]),
    )
    expect(paths.some((path) => path.startsWith(join(dataDir, 'objects/files/')))).toBe(true)
    for (const path of paths) {
      const mode = statSync(path).mode & 0o777
      expect(`${path.slice(dataDir.length) || '/'} ${mode.toString(8)}`).toBe(
        `${path.slice(dataDir.length) || '/'} ${statSync(path).isDirectory() ? '700' : '600'}`,
      )
    }
    await stopProcess(running)

    // An upgrade: a database file that an earlier version left 0644 is made 0600 on start.
    chmodSync(join(dataDir, 'fuselink.db'), 0o644)
    const again = await spawnNodeEntry(env)
    expect(statSync(join(dataDir, 'fuselink.db')).mode & 0o777).toBe(0o600)
    await stopProcess(again)
  } finally {
    process.umask(previous)
  }
})
