/*
 * Sizes, times and durations as people read them, the same on the server's
 * pages and in the browser code of the app (which bundles this module).
 */

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB']

/** "1.5 MB": decimal units, as people read sizes. */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  // 999.96 KB would show as "1000 KB": one unit up instead.
  if (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "3 hours", "5 minutes", "2 days": a span rounded as people say it (at least a minute). */
function span(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 90) return plural(Math.max(1, minutes), 'minute')
  const hours = Math.round(minutes / 60)
  if (hours < 48) return plural(hours, 'hour')
  return plural(Math.round(hours / 24), 'day')
}

/** "in 3 hours" for a time `ms` ahead; "in less than a minute" for what is nearly now. */
export function relativeTime(ms: number): string {
  if (ms < 60_000) return 'in less than a minute'
  return `in ${span(ms)}`
}

/** "3 hours ago" for a time `ms` in the past; "just now" within the minute. */
export function timeAgo(ms: number): string {
  if (ms < 60_000) return 'just now'
  return `${span(ms)} ago`
}

/** "2026-01-31 17:05 UTC": unambiguous for every reader, whatever their locale. */
export function utcTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC')
}

/** "4 s", "2 min 5 s", "1 h 12 min": how long something still takes. */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  const minutes = Math.round((s % 3600) / 60)
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`
}

/** "8.2 MB/s". */
export function humanSpeed(bytesPerSecond: number): string {
  return `${humanSize(Math.round(bytesPerSecond))}/s`.replace(/ bytes?\/s$/, ' B/s')
}
