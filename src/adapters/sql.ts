/** The little of SQL the state store needs; better-sqlite3 and D1 each fill it. */
export type SqlValue = string | number | null

export interface SqlStatement {
  sql: string
  params: SqlValue[]
}

export interface SqlDatabase {
  all<T>(sql: string, params: SqlValue[]): Promise<T[]>
  first<T>(sql: string, params: SqlValue[]): Promise<T | null>
  /** Runs the statements in one transaction and returns each one's changed-row count. */
  batch(statements: SqlStatement[]): Promise<number[]>
}

export function sql(text: string, ...params: SqlValue[]): SqlStatement {
  return { sql: text, params }
}
