import type { DownloadDeps } from '../../src/core/link/download'
import type { LinkTarget } from '../../src/core/model'
import type { ReserveOutcome, SweepResult, TransferStart } from '../../src/core/ports'

type DownloadState = DownloadDeps['state']

interface FakeTransfer {
  linkId: string
  counted: boolean
  start: number
  length: number
  reserved: number
  sent: number
  state: 'active' | 'done' | 'cut'
}

/**
 * An in-memory ledger for unit tests of the logic above it: the same guards
 * as docs/counting.md describes, without the give-back (makeRoom answers what
 * the test sets). The real SQL is tested on SQLite and D1 by
 * test/recipients/state-store.test.ts.
 */
export class FakeLedger implements DownloadState {
  /** Every step, in order, as one readable line. */
  readonly log: string[] = []
  readonly transfers = new Map<string, FakeTransfer>()
  /** What makeRoom answers. */
  roomToMake = false
  /** Refuse every start, as when another request won the race. */
  loseRaces = false

  constructor(readonly targets: Map<string, LinkTarget>) {}

  async getLinkTarget(id: string): Promise<LinkTarget | null> {
    const target = this.targets.get(id)
    return target ? structuredClone(target) : null
  }

  /** What is left of the link's byte budget. */
  left(linkId: string): number {
    const { link } = this.targets.get(linkId)!
    let held = 0
    for (const t of this.transfers.values()) if (t.linkId === linkId) held += t.state === 'active' ? t.reserved : t.sent
    return link.downloads * link.size - held
  }

  async startTransfer(t: TransferStart): Promise<boolean> {
    this.log.push(`start ${t.mode} ${t.start}+${t.length}`)
    const target = this.targets.get(t.linkId)
    if (!target || this.loseRaces || target.link.revokedAt !== null || target.file.deletedAt !== null) return false
    const { link } = target
    if (t.mode === 'fresh') {
      const valid = link.expiresAt > t.now && (link.notBefore === null || link.notBefore <= t.now)
      if (!valid || link.downloads >= link.maxDownloads) return false
      link.downloads += 1
      link.lastDownloadAt = t.now
    } else if (link.downloads < 1 || link.expiresAt + t.resumeGrace <= t.now || this.left(link.id) < t.length) {
      return false
    }
    const transfer = { linkId: link.id, counted: t.mode === 'fresh', start: t.start, length: t.length, sent: 0 }
    this.transfers.set(t.id, { ...transfer, reserved: t.grant, state: 'active' })
    return true
  }

  async reserve(id: string, bytes: number): Promise<ReserveOutcome> {
    const t = this.transfers.get(id)
    if (t?.state !== 'active' || t.reserved + bytes > t.length) return 'stopped'
    if (this.left(t.linkId) < bytes) return 'no_room'
    t.reserved += bytes
    return 'granted'
  }

  async makeRoom(_linkId: string, point: number | null): Promise<boolean> {
    this.log.push(`makeRoom ${point}`)
    return this.roomToMake
  }

  async settleTransfer(id: string, sent: number): Promise<void> {
    this.log.push(`settle ${sent}`)
    const t = this.transfers.get(id)
    if (t?.state !== 'active') return
    t.sent = sent
    t.state = sent >= t.length ? 'done' : 'cut'
  }

  async cancelTransfer(id: string): Promise<void> {
    this.log.push('cancel')
    const t = this.transfers.get(id)
    if (t?.state !== 'active') return
    if (t.counted) this.targets.get(t.linkId)!.link.downloads -= 1
    this.transfers.delete(id)
  }

  async renewTransfer(): Promise<void> {}

  async sweep(): Promise<SweepResult> {
    return { expiredTransfers: 0 }
  }
}
