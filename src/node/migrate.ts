import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'

/**
 * Applies migrations/*.sql in name order, each once, recording them in the
 * same d1_migrations table that `wrangler d1 migrations apply` keeps, so a
 * database migrated by either tool looks the same. Returns what it applied.
 */
export function applyMigrations(db: Database.Database, directory: string): string[] {
  // Word for word (layout aside) the table wrangler 4 creates, so that both
  // tools leave the same schema behind (test/workers/schema.test.ts).
  db.exec(`CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
  )`)
  const applied = new Set((db.prepare('SELECT name FROM d1_migrations').all() as { name: string }[]).map((row) => row.name))
  const pending = readdirSync(directory)
    .filter((name) => name.endsWith('.sql') && !applied.has(name))
    .sort()
  for (const name of pending) {
    const text = readFileSync(join(directory, name), 'utf8')
    db.transaction(() => {
      db.exec(text)
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(name)
    })()
  }
  return pending
}
