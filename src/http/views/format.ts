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
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "in 3 hours": how far ahead `ms` is, rounded as people say it. */
export function relativeTime(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 1) return 'in less than a minute'
  if (minutes < 90) return `in ${plural(minutes, 'minute')}`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `in ${plural(hours, 'hour')}`
  return `in ${plural(Math.round(hours / 24), 'day')}`
}

/** "2026-01-31 17:05 UTC": unambiguous for every reader, whatever their locale. */
export function utcTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC')
}
