import Database from 'better-sqlite3'
import type { SqlDatabase, SqlStatement, SqlValue } from './sql'

/** SqlDatabase over a better-sqlite3 file: WAL, prepared statements cached by text. */
export class SqliteDatabase implements SqlDatabase {
  readonly raw: Database.Database
  readonly #statements = new Map<string, Database.Statement>()
  // Made once: better-sqlite3 builds a fresh wrapper on every transaction() call.
  readonly #batch: Database.Transaction<(statements: SqlStatement[]) => number[]>

  constructor(path: string) {
    this.raw = new Database(path)
    this.raw.pragma('journal_mode = WAL')
    this.raw.pragma('synchronous = NORMAL')
    this.raw.pragma('busy_timeout = 5000')
    this.raw.pragma('foreign_keys = ON')
    this.#batch = this.raw.transaction((statements: SqlStatement[]) =>
      statements.map((s) => this.#prepare(s.sql).run(...s.params).changes),
    )
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.raw.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  async all<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    return this.#prepare(sql).all(...params) as T[]
  }

  async first<T>(sql: string, params: SqlValue[]): Promise<T | null> {
    return (this.#prepare(sql).get(...params) as T | undefined) ?? null
  }

  async batch(statements: SqlStatement[]): Promise<number[]> {
    return this.#batch.immediate(statements)
  }

  close(): void {
    this.raw.close()
  }
}
