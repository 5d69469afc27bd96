import Database from 'better-sqlite3'
import { FuselinkError } from '../core/errors'
import type { SqlDatabase, SqlStatement, SqlValue } from './sql'

interface PendingBatch {
  statements: SqlStatement[]
  /** When it was first tried: a busy database is retried until BUSY_RETRY_MS after it. */
  since: number
  resolve(changes: number[]): void
  reject(error: unknown): void
}

/**
 * Another process holding the database (a backup, an operator's `sqlite3`
 * session) makes a statement fail with SQLITE_BUSY. SQLite's own wait blocks
 * the event loop, so it is kept short (BUSY_WAIT_MS); past it the statement is
 * retried from the event loop, with growing pauses, for BUSY_RETRY_MS in all,
 * then answered 503 storage_unavailable (never a 500).
 */
const BUSY_WAIT_MS = 20
const BUSY_RETRY_MS = 5000
const FIRST_PAUSE_MS = 5
const MAX_PAUSE_MS = 100

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** What a database failure means to a client: busy past the retries is 503, a full disk 507; anything else stays a fault. */
function meaningOf(error: unknown): unknown {
  if (isBusy(error)) return new FuselinkError('storage_unavailable', 'The database is busy; try again.', { cause: error })
  if ((error as { code?: unknown }).code === 'SQLITE_FULL') {
    return new FuselinkError('insufficient_storage', "The database's disk is full; nothing was changed.", { cause: error })
  }
  return error
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

type Outcome = { changes: number[] } | { error: unknown }

/**
 * SqlDatabase over a better-sqlite3 file: WAL, prepared statements cached by
 * text, and group commit. Every batch asked for while the event loop handles
 * one round of I/O is written in a single transaction at the end of that
 * round, each batch inside its own savepoint: it stays atomic and its guards
 * see every batch before it, exactly as if it ran alone, but the pages a
 * download touches (the link row, the transfers table and its indexes) are
 * written to the WAL once per round instead of once per request, which was
 * most of a small download's CPU. A round that finds the database busy is
 * tried again whole (nothing of it was written), see BUSY_RETRY_MS.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly raw: Database.Database
  readonly #statements = new Map<string, Database.Statement>()
  #pending: PendingBatch[] = []
  /** A busy round's next try, and the pause before the one after it. */
  #retry: NodeJS.Timeout | null = null
  #pause = FIRST_PAUSE_MS
  // Made once: better-sqlite3 builds a fresh wrapper on every transaction() call.
  readonly #runBatch: Database.Transaction<(statements: SqlStatement[]) => number[]>
  readonly #runRound: Database.Transaction<(round: PendingBatch[]) => Outcome[]>

  constructor(path: string) {
    this.raw = new Database(path)
    this.raw.pragma('journal_mode = WAL')
    this.raw.pragma('synchronous = NORMAL')
    this.raw.pragma(`busy_timeout = ${BUSY_WAIT_MS}`)
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

  /** A read, retried while the database is busy. */
  async #read<T>(run: () => T): Promise<T> {
    const since = Date.now()
    for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
      try {
        return run()
      } catch (error) {
        if (!isBusy(error) || Date.now() - since >= BUSY_RETRY_MS) throw meaningOf(error)
      }
      await sleep(pause)
    }
  }

  all<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    return this.#read(() => this.#prepare(sql).all(...params) as T[])
  }

  first<T>(sql: string, params: SqlValue[]): Promise<T | null> {
    return this.#read(() => (this.#prepare(sql).get(...params) as T | undefined) ?? null)
  }

  batch(statements: SqlStatement[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ statements, since: Date.now(), resolve, reject })
      if (this.#pending.length === 1 && this.#retry === null) setImmediate(this.#commit)
    })
  }

  readonly #commit = (): void => {
    this.#retry = null
    const round = this.#pending
    this.#pending = []
    let outcomes: Outcome[]
    try {
      outcomes = this.#runRound.immediate(round)
    } catch (error) {
      if (!isBusy(error)) {
        for (const batch of round) batch.reject(meaningOf(error))
        return
      }
      // Nothing of the round was written: try it again, with whatever came meanwhile, unless it has waited long enough.
      const now = Date.now()
      const waiting = round.filter((batch) => now - batch.since < BUSY_RETRY_MS)
      for (const batch of round) if (!waiting.includes(batch)) batch.reject(meaningOf(error))
      this.#pending = [...waiting, ...this.#pending]
      if (this.#pending.length > 0) {
        this.#retry = setTimeout(this.#commit, this.#pause)
        this.#pause = Math.min(this.#pause * 2, MAX_PAUSE_MS)
      }
      return
    }
    this.#pause = FIRST_PAUSE_MS
    outcomes.forEach((outcome, i) => {
      if ('changes' in outcome) round[i]!.resolve(outcome.changes)
      else round[i]!.reject(meaningOf(outcome.error))
    })
  }

  close(): void {
    if (this.#retry !== null) clearTimeout(this.#retry)
    if (this.#pending.length > 0) this.#commit()
    this.raw.close()
  }
}
