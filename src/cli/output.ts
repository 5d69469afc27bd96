import type { Owner } from '../client'

/** The process as a command sees it; main.ts passes the real one. */
export interface Io {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
  env: Record<string, string | undefined>
}

/**
 * What a command prints. Results go to stdout: text for people, or with
 * --json one JSON document and nothing else. Notes, progress and errors go
 * to stderr, so `$(fuselink share f)` is the link and nothing more.
 */
export class Output {
  constructor(
    readonly io: Io,
    readonly json: boolean,
  ) {}

  /** The result of a command: `value` as JSON with --json, else `text` (a line, or lines). */
  result(value: unknown, text: () => string | string[]): void {
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
      return
    }
    const lines = text()
    for (const line of Array.isArray(lines) ? lines : [lines]) this.io.stdout.write(`${line}\n`)
  }

  /** A line for people on stderr; nothing with --json. */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`)
  }
}

/** Rows under a header, each column as wide as its widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

/** An ISO time as "2026-12-01 10:00 UTC". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-'
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** An owner as tables show it: "alice (Ux7pQ2mK4z)", or "-" when the answer has none (non-admins). */
export function ownerText(owner: Owner | undefined): string {
  return owner ? `${owner.name ?? owner.kind} (${owner.id})` : '-'
}
