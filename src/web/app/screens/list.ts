import { all, sentence } from '../api'
import { byId, h } from '../dom'

/*
 * What the list screens share: load every page of a list, show rows, an
 * empty sentence or one plain error sentence. On narrow screens the table's
 * rows become cards (app.css), each cell labelled by its column.
 */

export interface ListParts {
  body: HTMLTableSectionElement
  empty: HTMLElement
  error: HTMLElement
  columns: string[]
}

export function listParts(name: string): ListParts {
  const table = byId<HTMLTableElement>(`${name}-table`)
  return {
    body: byId<HTMLTableSectionElement>(`${name}-body`),
    empty: byId(`${name}-empty`),
    error: byId(`${name}-error`),
    columns: Array.from(table.tHead!.rows[0]!.cells, (cell) => cell.textContent ?? ''),
  }
}

/** A row whose cells carry their column's name (shown beside the value on phones). */
export function tableRow(parts: ListParts, cells: (Node | string)[], rowClass = ''): HTMLTableRowElement {
  return h('tr', { class: rowClass }, ...cells.map((cell, i) => h('td', { 'data-label': parts.columns[i] ?? '' }, cell)))
}

/** Loads a list into the table; `render` turns the items into rows (it may filter). */
export async function loadList<T>(
  parts: ListParts,
  path: string,
  render: (items: T[]) => HTMLTableRowElement[],
  emptyText: string | Node,
): Promise<{ items: T[] } | { error: unknown }> {
  parts.error.textContent = ''
  parts.body.setAttribute('aria-busy', 'true')
  try {
    const items = await all<T>(path)
    show(parts, render(items), emptyText)
    return { items }
  } catch (error) {
    parts.error.textContent = sentence(error)
    return { error }
  } finally {
    parts.body.removeAttribute('aria-busy')
  }
}

export function show(parts: ListParts, rows: HTMLTableRowElement[], emptyText: string | Node): void {
  parts.body.replaceChildren(...rows)
  parts.empty.replaceChildren(emptyText)
  parts.empty.hidden = rows.length > 0
  parts.body.closest('table')!.hidden = rows.length === 0
}
