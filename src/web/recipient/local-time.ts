/**
 * Shows a time in the viewer's own time zone next to the UTC time the server
 * wrote (`<time data-local="id-of-output">`), only where the two differ.
 */
export function showLocalTimes(root: Document): void {
  for (const time of root.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const output = root.getElementById(time.dataset.local ?? '')
    const date = new Date(time.dateTime)
    if (!output || Number.isNaN(date.getTime()) || date.getTimezoneOffset() === 0) continue
    output.textContent = `Your time: ${date.toLocaleString(undefined, {
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    })}`
    output.hidden = false
  }
}
