/**
 * Shows a time in the viewer's own time zone next to the UTC time the server
 * wrote (`<time data-local="id-of-output">`).
 * Inlined into the pages and allowed by its hash in the Content-Security-Policy.
 */
for (const time of document.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
  const output = document.getElementById(time.dataset.local ?? '')
  const date = new Date(time.dateTime)
  if (output && !Number.isNaN(date.getTime())) {
    output.textContent = `Your time: ${date.toLocaleString(undefined, {
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
