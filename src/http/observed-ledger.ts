import type { DownloadDeps } from '../core/link/download'
import type { Metrics } from '../core/metrics'

type DownloadState = DownloadDeps['state']

/**
 * The ledger a download talks to, counted on the way through: transfers
 * admitted (and whether they counted a download), settled with the bytes
 * they sent, or cancelled before their first. `onSettled` hears what this
 * one request's transfer sent, for its log line.
 */
export function observedLedger(state: DownloadState, metrics: Metrics, onSettled?: (sent: number) => void): DownloadState {
  const ended = (sent: number) => {
    metrics.transferEnded(sent)
    onSettled?.(sent)
  }
  return {
    getLinkTarget: (id) => state.getLinkTarget(id),
    async startTransfer(start) {
      const admitted = await state.startTransfer(start)
      if (admitted) metrics.transferStarted(start.mode === 'fresh')
      return admitted
    },
    reserve: (id, bytes, leaseUntil) => state.reserve(id, bytes, leaseUntil),
    makeRoom: (linkId, point, cap) => state.makeRoom(linkId, point, cap),
    renewTransfer: (id, leaseUntil) => state.renewTransfer(id, leaseUntil),
    sweep: (now) => state.sweep(now),
    async settleTransfer(id, sent) {
      try {
        await state.settleTransfer(id, sent)
      } finally {
        ended(sent)
      }
    },
    async cancelTransfer(id) {
      try {
        await state.cancelTransfer(id)
      } finally {
        ended(0)
      }
    },
  }
}
