import Database from 'better-sqlite3'
import type { SqlDatabase, SqlStatement, SqlValue } from './sql'

interface PendingBatch {
  statements: SqlStatement[]
  resolve(changes: number[]): void
  reject(error: unknown): void
}

type Outcome = { changes: number[] } | { error: unknown }

/**
 * SqlDatabase over a better-sqlite3 file: WAL, prepared statements cached by
 * text, and group commit. Every batch asked for while the event loop handles
 * one round of I/O is written in a single transaction at the end of that
 * round, each batch inside its own savepoint: it stays atomic and its guards
 * see every batch before it, exactly as if it ran alone, but the pages a
 * download touches (the link row, the transfers table and its indexes) are
 * written to the WAL once per round instead of once per request, which was
 * most of a small download's CPU.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly raw: Database.Database
  readonly #statements = new Map<string, Database.Statement>()
  #pending: PendingBatch[] = []
  // Made once: better-sqlite3 builds a fresh wrapper on every transaction() call.
  readonly #runBatch: Database.Transaction<(statements: SqlStatement[]) => number[]>
  readonly #runRound: Database.Transaction<(round: PendingBatch[]) => Outcome[]>

  constructor(path: string) {
    this.raw = new Database(path)
    this.raw.pragma('journal_mode = WAL')
    this.raw.pragma('synchronous = NORMAL')
    this.raw.pragma('busy_timeout = 5000')
    this.raw.pragma('foreign_keys = ON')
    // Called inside #runRound, better-sqlite3 runs it as a savepoint.
    this.#runBatch = this.raw.transaction((statements: SqlStatement[]) =>
      statements.map((s) => this.#prepare(s.sql).run(...s.params).changes),
    )
    this.#runRound = this.raw.transaction((round: PendingBatch[]) =>
      round.map((batch): Outcome => {
        try {
          return { changes: this.#runBatch(batch.statements) }
        } catch (error) {
          return { error }
        }
      }),
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

  batch(statements: SqlStatement[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ statements, resolve, reject })
      if (this.#pending.length === 1) setImmediate(this.#commit)
    })
  }

  readonly #commit = (): void => {
    const round = this.#pending
    this.#pending = []
    let outcomes: Outcome[]
    try {
      outcomes = this.#runRound.immediate(round)
    } catch (error) {
      for (const batch of round) batch.reject(error)
      return
    }
    outcomes.forEach((outcome, i) => {
      if ('changes' in outcome) round[i]!.resolve(outcome.changes)
      else round[i]!.reject(outcome.error)
    })
  }

  close(): void {
    if (this.#pending.length > 0) this.#commit()
    this.raw.close()
  }
}
