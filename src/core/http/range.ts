/** What a Range header asks of a representation of `size` bytes (RFC 9110, section 14). */
export type RangeRequest = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' }

const MAX_HEADER_LENGTH = 256

/**
 * Reads a single byte range; `end` is inclusive and clipped to the file.
 * A header that is absent, not in bytes, malformed or asks for several ranges
 * is ignored (RFC 9110 allows it), so the whole file is served with 200.
 * Suffix ranges are resolved here against the known size, because some
 * storage servers answer them wrongly.
 */
export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header || header.length > MAX_HEADER_LENGTH) return { kind: 'full' }
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match) return { kind: 'full' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'full' }

  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 }
  }

  const start = Number(first)
  if (!Number.isSafeInteger(start)) return { kind: 'unsatisfiable' }
  if (last !== '') {
    const end = Number(last)
    if (!Number.isSafeInteger(end) || end < start) return { kind: 'full' }
    if (start >= size) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start, end: Math.min(end, size - 1) }
  }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end: size - 1 }
}

/**
 * True for a Range header asking for one range that starts after byte 0:
 * a resume (docs/counting.md, rule 3), which only ever draws on a link's byte
 * budget. Browsers resume an interrupted download this way, with GET, even
 * when the download began with a form's POST.
 */
export function isResumeRange(header: string | null | undefined): boolean {
  return !!header && header.length <= MAX_HEADER_LENGTH && /^\s*bytes\s*=\s*0*[1-9]\d*\s*-\s*\d*\s*$/i.test(header)
}
