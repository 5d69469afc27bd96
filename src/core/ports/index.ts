import type { AccountStore } from './accounts'
import type { TransferLedger } from './ledger'
import type { RecordStore } from './records'
import type { UploadStore } from './uploads'

export * from './accounts'
export * from './bytes'
export * from './events'
export * from './ledger'
export * from './objects'
export * from './records'
export * from './uploads'
export * from './webhooks'

/** What the entries fill for state: the records, the accounts, the transfer ledger and the uploads, over one database. */
export type StateStore = RecordStore & AccountStore & TransferLedger & UploadStore
