import type { ApiKeyRecord, FileRecord, KeyWithOwner, LinkChange, LinkRecord, LinkTarget, Owner } from '../model'

export interface Page<T> {
  items: T[]
  /** Opaque position after the last item, or null on the last page. */
  nextCursor: string | null
}

export interface ListQuery {
  /** Only this owner's rows; undefined for admins. */
  ownerId?: string
  limit: number
  cursor?: string
}

/**
 * Keys, files, links and settings: the records the issuer API reads and
 * writes. Async so that SQLite (Node) and D1 (Workers) fill it alike.
 */
export interface RecordStore {
  /** Throws when the database cannot be reached (for /healthz). */
  ping(): Promise<void>
  getSetting(name: string): Promise<string | null>
  putSetting(name: string, value: string): Promise<void>

  insertKey(key: ApiKeyRecord): Promise<void>
  findKeyByHash(hash: string): Promise<KeyWithOwner | null>
  getKey(id: string): Promise<KeyWithOwner | null>
  /** Keys newest first; `ownerId` keeps the keys that owner owns. */
  listKeys(query: ListQuery): Promise<Page<KeyWithOwner>>
  /**
   * Sets disabled_at once; null when there is no such key. With
   * `revokeLinks`, every link the key issued is revoked in the same step
   * (again on a repeated call: a key disabled earlier can still have its
   * links revoked), and `revokedLinks` names the links this call revoked.
   */
  disableKey(id: string, at: number, options?: { revokeLinks?: boolean }): Promise<{ revokedLinks: string[] } | null>
  /** The owners among `ids` that the store knows (users and keys), by id (at most 100 ids). */
  getOwners(ids: readonly string[]): Promise<Map<string, Owner>>
  /** What to call an owner (files, links, keys): a user's username or a key's name; null when unknown. */
  ownerName(id: string): Promise<string | null>

  insertFile(file: FileRecord): Promise<void>
  getFile(id: string): Promise<FileRecord | null>
  listFiles(query: ListQuery): Promise<Page<FileRecord>>
  markFileDeleted(id: string, at: number): Promise<void>
  /** Whether a file other than `exceptId`, not deleted, is stored in `objectKey` (imports may share an object). */
  objectInUse(objectKey: string, exceptId: string): Promise<boolean>

  insertLink(link: LinkRecord): Promise<void>
  /** A link with its file, its counters as they are now. */
  getLinkTarget(id: string): Promise<LinkTarget | null>
  listLinks(query: ListQuery & { fileId?: string }): Promise<Page<LinkRecord>>
  /** Sets revoked_at once (idempotent). */
  revokeLink(id: string, at: number): Promise<void>
  /**
   * Applies a planned change (planLinkChange) in one guarded statement:
   * false, changing nothing, when a new limit is below the downloads counted
   * by then. A new expiry lets the link.expired notice go out again.
   */
  updateLink(id: string, change: LinkChange): Promise<boolean>
}
