import { FuselinkError } from '../../core/errors'
import type { Page } from '../../core/ports'
import type { SqlValue } from '../sql'

/** Cursors are opaque to clients: base64url of "createdAt.id". */
function encodeCursor(row: { created_at: number; id: string }): string {
  return btoa(`${row.created_at}.${row.id}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let text = ''
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    // handled below
  }
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(text)
  if (!match) throw new FuselinkError('invalid_request', 'cursor is not one this service gave out')
  return { createdAt: Number(match[1]), id: match[2]! }
}

/** Keyset pagination, newest first: a WHERE fragment and its parameters. */
export function pageAfter(alias: string, cursor: string | undefined): [string, SqlValue[]] {
  if (!cursor) return ['1 = 1', []]
  const { createdAt, id } = decodeCursor(cursor)
  return [`(${alias}.created_at < ? OR (${alias}.created_at = ? AND ${alias}.id < ?))`, [createdAt, createdAt, id]]
}

/** One page of rows fetched with LIMIT limit + 1: the extra row says whether a next page exists. */
export function toPage<R extends { created_at: number; id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
}
