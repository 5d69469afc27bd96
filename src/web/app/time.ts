import { relativeTime, timeAgo } from '../../core/ui/human'
import { h } from './dom'

const SAME_YEAR = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
})
const OTHER_YEAR = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' })

/** "Tue 9 Dec, 14:05" in the viewer's zone (with the year when it is not this one). */
export function localTime(ms: number): string {
  const date = new Date(ms)
  return (date.getFullYear() === new Date().getFullYear() ? SAME_YEAR : OTHER_YEAR).format(date)
}

/** "in 3 hours" or "3 hours ago". */
export function fromNow(ms: number, now = Date.now()): string {
  return ms >= now ? relativeTime(ms - now) : timeAgo(now - ms)
}

/** A time as people want it in a list: how far, and the date and time under it. */
export function timeCell(iso: string | null, never = 'Never'): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, never)
  const ms = Date.parse(iso)
  return h(
    'time',
    { datetime: iso, title: FULL.format(new Date(ms)) },
    h('span', { class: 'when' }, fromNow(ms)),
    h('span', { class: 'at muted' }, localTime(ms)),
  )
}
