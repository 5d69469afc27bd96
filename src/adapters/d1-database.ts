import type { SqlDatabase, SqlStatement, SqlValue } from './sql'

/*
 * The few members of Cloudflare's D1 binding this adapter uses, described
 * structurally so that this file compiles under the Node project too (where
 * @cloudflare/workers-types is not loaded) and the real `env.DB` fits as is.
 */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike
  first<T = Record<string, unknown>>(): Promise<T | null>
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>
}

export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike
  batch(statements: D1PreparedStatementLike[]): Promise<{ meta: { changes?: number } }[]>
}

/**
 * SqlDatabase over a D1 binding. `batch` is D1's own batch, which D1 runs as
 * one SQL transaction (any failure rolls the whole batch back): that is what
 * makes SqlStateStore's counting steps atomic on Workers, as `BEGIN
 * IMMEDIATE` does on SQLite.
 */
export class D1SqlDatabase implements SqlDatabase {
  constructor(private readonly db: D1DatabaseLike) {}

  #statement(sql: string, params: SqlValue[]): D1PreparedStatementLike {
    const statement = this.db.prepare(sql)
    return params.length > 0 ? statement.bind(...params) : statement
  }

  async all<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    const { results } = await this.#statement(sql, params).all<T>()
    return results
  }

  async first<T>(sql: string, params: SqlValue[]): Promise<T | null> {
    return (await this.#statement(sql, params).first<T>()) ?? null
  }

  async batch(statements: SqlStatement[]): Promise<number[]> {
    // D1 rejects an empty batch; an empty transaction changes nothing.
    if (statements.length === 0) return []
    const results = await this.db.batch(statements.map((s) => this.#statement(s.sql, s.params)))
    return results.map((result) => result.meta.changes ?? 0)
  }
}
