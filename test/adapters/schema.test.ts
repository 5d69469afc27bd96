import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, expect, test } from 'vitest'
import { applyMigrations } from '../../src/node/migrate'
import { applyLocalMigrations } from '../../tools/workerd/runtime'
import { removeScratch, scratchDir } from '../support/scratch'

// migrations/ is the only schema: `wrangler d1 migrations apply --local` (D1)
// and the Node runner must build the same database from it.
const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url))
const dirs: string[] = []

function scratch(name: string): string {
  const dir = scratchDir(name)
  dirs.push(dir)
  return dir
}

afterAll(() => {
  for (const dir of dirs) removeScratch(dir)
})

/** SQL text as SQLite keeps it, with layout differences (spaces, line breaks) taken out. */
function normalise(sql: string | null): string | null {
  if (sql === null) return null
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim()
}

interface SchemaRow {
  type: string
  name: string
  tbl_name: string
  sql: string | null
}

/** Every table, index and trigger, D1's own bookkeeping (_cf_*) aside. */
function schemaOf(path: string): { objects: SchemaRow[]; migrations: string[] } {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const objects = (
      db
        .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY type, name`)
        .all() as SchemaRow[]
    ).map((row) => ({ ...row, sql: normalise(row.sql) }))
    const migrations = (db.prepare('SELECT name FROM d1_migrations ORDER BY id').all() as { name: string }[]).map((row) => row.name)
    return { objects, migrations }
  } finally {
    db.close()
  }
}

test('wrangler d1 migrations apply --local and the Node runner build the same schema', async () => {
  const persist = scratch('schema-d1')
  await applyLocalMigrations(persist)
  const d1Dir = join(persist, 'v3/d1/miniflare-D1DatabaseObject')
  const files = readdirSync(d1Dir).filter((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite')
  expect(files).toHaveLength(1)
  const onD1 = schemaOf(join(d1Dir, files[0]!))

  const nodePath = join(scratch('schema-node'), 'fuselink.db')
  const node = new Database(nodePath)
  applyMigrations(node, MIGRATIONS)
  node.close()
  const onNode = schemaOf(nodePath)

  const expected = readdirSync(MIGRATIONS)
    .filter((name) => name.endsWith('.sql'))
    .sort()
  expect(onD1.migrations).toEqual(expected)
  expect(onNode.migrations).toEqual(expected)
  expect(onD1.objects.map((o) => o.name)).toEqual(
    expect.arrayContaining(['files', 'links', 'transfers', 'api_keys', 'settings', 'd1_migrations']),
  )
  expect(onNode.objects).toEqual(onD1.objects)
})
