export interface TransferStart {
  /** Id of the new transfer row. */
  id: string
  linkId: string
  /** First byte offset of the transfer, and how many bytes it asks for. */
  start: number
  length: number
  /** Bytes reserved at once; the rest is reserved chunk by chunk as the body streams. */
  grant: number
  /**
   * 'fresh' counts a download; 'resume' counts none and is admitted only if
   * its whole length fits in what is left of the byte budget.
   */
  mode: 'fresh' | 'resume'
  now: number
  /** Until when an unsettled transfer is taken to be alive. */
  leaseUntil: number
  /** How long after expiry a resume may still start, in milliseconds. */
  resumeGrace: number
  /**
   * When set, the whole body (`length` bytes, within `grant`) is already in
   * hand and goes out in one write: the transfer is settled with these bytes
   * in the same atomic step, as settleTransfer would.
   */
  sent?: number
}

/** Why a transfer could not reserve more: it was told to stop, or the budget is spent for now. */
export type ReserveOutcome = 'granted' | 'stopped' | 'no_room'

export interface SweepResult {
  /** Transfers whose lease ran out, settled as cut after sending all they were granted. */
  expiredTransfers: number
}

/**
 * The transfer ledger: every download's counts and bytes against its link's
 * byte budget (docs/counting.md). Each method is one atomic step whose
 * guards make concurrent requests safe without any lock held in the
 * application.
 */
export interface TransferLedger {
  /** Counts (fresh) or checks the budget (resume) and reserves `grant` bytes, atomically; false when a guard refused. */
  startTransfer(start: TransferStart): Promise<boolean>
  /** Reserves `bytes` more for a live transfer if its budget and its stop offset allow (one guarded statement). */
  reserve(id: string, bytes: number, leaseUntil: number): Promise<ReserveOutcome>
  /**
   * Gives back one transfer's bytes that lie past the start of another
   * transfer of the link (or past `point`, where a resume wants to begin),
   * within the allowance `cap`; a live transfer so trimmed stops at that
   * start. True when it freed something.
   */
  makeRoom(linkId: string, point: number | null, cap: number): Promise<boolean>
  /** Records the bytes actually sent and ends the reservation; idempotent. */
  settleTransfer(id: string, sent: number): Promise<void>
  /** Undoes a transfer that failed before its first byte: nothing consumed. */
  cancelTransfer(id: string): Promise<void>
  /** Extends a live transfer's lease. */
  renewTransfer(id: string, leaseUntil: number): Promise<void>
  /** Settles transfers whose lease ran out (a crash mid-transfer) and folds old rows into their link's totals. */
  sweep(now: number): Promise<SweepResult>
}
