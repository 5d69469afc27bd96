import type { TransferLedger } from './ledger'
import type { RecordStore } from './records'
import type { UploadStore } from './uploads'

export * from './ledger'
export * from './objects'
export * from './records'
export * from './uploads'

/** What the entries fill for state: the records, the transfer ledger and the uploads, over one database. */
export type StateStore = RecordStore & TransferLedger & UploadStore
