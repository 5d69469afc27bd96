import type { ReserveOutcome, StateStore, SweepResult, TransferStart } from '../../core/ports'
import type { SqlDatabase } from '../sql'
import { SqlTransferLedger } from './ledger'
import { SqlRecordStore } from './records'

/** The StateStore over one SQL database: its records, and the transfer ledger's steps beside them. */
export class SqlStateStore extends SqlRecordStore implements StateStore {
  readonly #ledger: SqlTransferLedger

  constructor(db: SqlDatabase) {
    super(db)
    this.#ledger = new SqlTransferLedger(db)
  }

  startTransfer(start: TransferStart): Promise<boolean> {
    return this.#ledger.startTransfer(start)
  }

  reserve(id: string, bytes: number, leaseUntil: number): Promise<ReserveOutcome> {
    return this.#ledger.reserve(id, bytes, leaseUntil)
  }

  makeRoom(linkId: string, point: number | null, cap: number): Promise<boolean> {
    return this.#ledger.makeRoom(linkId, point, cap)
  }

  settleTransfer(id: string, sent: number): Promise<void> {
    return this.#ledger.settleTransfer(id, sent)
  }

  cancelTransfer(id: string): Promise<void> {
    return this.#ledger.cancelTransfer(id)
  }

  renewTransfer(id: string, leaseUntil: number): Promise<void> {
    return this.#ledger.renewTransfer(id, leaseUntil)
  }

  sweep(now: number): Promise<SweepResult> {
    return this.#ledger.sweep(now)
  }
}
