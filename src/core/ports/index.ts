import type { AccountStore } from './accounts'
import type { TransferLedger } from './ledger'
import type { RecordStore } from './records'

export * from './accounts'
export * from './ledger'
export * from './objects'
export * from './records'

/** What the entries fill for state: the records, the accounts and the transfer ledger, over one database. */
export type StateStore = RecordStore & AccountStore & TransferLedger
