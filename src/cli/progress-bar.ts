import type { Progress } from '../client'
import { formatBytes } from './output'

/**
 * Upload progress on stderr. `bar`: one line redrawn in place (a terminal);
 * `lines`: a line at most every second and one at the end (a log, or a test
 * reading stderr); `off`: nothing.
 */
export type ProgressMode = 'bar' | 'lines' | 'off'

export interface ProgressReporter {
  update(progress: Progress): void
  /** The last state, and the end of the line. */
  done(): void
}

const EVERY_MS = { bar: 100, lines: 1000 }

export function progressReporter(stream: NodeJS.WriteStream, label: string, mode: ProgressMode): ProgressReporter {
  const started = Date.now()
  let last: Progress = { sent: 0, total: undefined }
  // What was there before this run (a resumed upload's parts) is not speed.
  let resumedFrom: number | undefined
  let shownAt = 0
  let shown = false

  const render = (progress: Progress): string => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001)
    const rate = `${formatBytes((progress.sent - (resumedFrom ?? 0)) / seconds)}/s`
    const amount =
      progress.total === undefined ? formatBytes(progress.sent) : `${formatBytes(progress.sent)} / ${formatBytes(progress.total)}`
    const fraction = progress.total ? Math.min(progress.sent / progress.total, 1) : undefined
    const percent = fraction === undefined ? '' : `${Math.floor(fraction * 100)}%`.padStart(4)
    if (mode === 'lines') return [label, percent.trim(), amount, rate].filter(Boolean).join('  ')
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - 45))
    const filled = fraction === undefined ? 0 : Math.round(fraction * width)
    const bar = fraction === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `
    return `${label} ${bar}${percent} ${amount}  ${rate}`
  }

  const show = (progress: Progress) => {
    if (mode === 'bar') stream.write(`\r\x1b[K${render(progress)}`)
    else stream.write(`${render(progress)}\n`)
    shown = true
  }

  return {
    update(progress) {
      last = progress
      resumedFrom ??= progress.sent
      if (mode === 'off') return
      const now = Date.now()
      if (now - shownAt < EVERY_MS[mode]) return
      shownAt = now
      show(progress)
    },
    done() {
      if (mode === 'off') return
      show(last)
      if (mode === 'bar' && shown) stream.write('\n')
    },
  }
}
