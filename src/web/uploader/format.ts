const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB']

/** "1.5 MB": decimal units, as the pages show sizes. */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

/** "2 min 5 s left": rounded as people read a countdown. */
export function timeLeft(seconds: number): string {
  if (seconds < 1) return 'a moment left'
  if (seconds < 60) return `${Math.ceil(seconds)} s left`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s left`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`
}
