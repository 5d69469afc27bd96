import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Command, expectArguments } from '../command'
import { LocalError } from '../exit'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url))

export const migrate: Command = {
  name: 'migrate',
  summary: "apply the schema's migrations to the Node service's SQLite database",
  usage: '[--data-dir DIR]',
  help: [
    '--data-dir DIR   where the service keeps its data (else DATA_DIR, else ./data); the database is DIR/fuselink.db',
    'The Node service does the same at every start; on Workers: npx wrangler d1 migrations apply DB --remote',
  ],
  options: { 'data-dir': { type: 'string' } },
  async run(context, values, positionals) {
    expectArguments(positionals, { min: 0, max: 0 }, '')
    const dataDir = resolve((values['data-dir'] as string | undefined) ?? (context.io.env.DATA_DIR || './data'))
    const path = join(dataDir, 'fuselink.db')
    // Loaded here: the SQLite driver is native code only this command needs.
    const [{ SqliteDatabase }, { applyMigrations }] = await Promise.all([
      import('../../adapters/sqlite-database'),
      import('../../node/migrate'),
    ])
    let applied: string[]
    try {
      mkdirSync(dataDir, { recursive: true })
      const database = new SqliteDatabase(path)
      try {
        applied = applyMigrations(database.raw, MIGRATIONS_DIR)
      } finally {
        database.close()
      }
    } catch (error) {
      throw new LocalError(`cannot migrate ${path}: ${(error as Error).message}`)
    }
    context.out.result({ database: path, applied }, () =>
      applied.length === 0 ? `${path} is up to date` : [`${path}: applied`, ...applied.map((name) => `  ${name}`)],
    )
  },
}
