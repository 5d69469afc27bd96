/** The records the service keeps. Times are milliseconds since the epoch. */

export type Role = 'admin' | 'user'

export interface ApiKeyRecord {
  id: string
  name: string
  role: Role
  /** SHA-256 of the secret, hex; the secret itself is never stored. */
  hash: string
  createdAt: number
  disabledAt: number | null
}

/** Who is calling the issuer API. */
export interface Principal {
  keyId: string
  role: Role
}

export interface FileRecord {
  id: string
  ownerId: string
  name: string
  size: number
  contentType: string
  sha256: string | null
  objectKey: string
  createdAt: number
  deletedAt: number | null
}

export interface LinkRecord {
  id: string
  fileId: string
  ownerId: string
  /** Overrides the file's name in Content-Disposition. */
  filename: string | null
  /** The download limit; null for an unlimited link (docs/counting.md, "Unlimited links"). */
  maxDownloads: number | null
  /** The file's size when the link was issued: one download's worth of bytes. */
  size: number
  /** Counted downloads (docs/counting.md, rule 2). */
  downloads: number
  /** Bytes held by settled transfers that the sweep folded away (docs/counting.md). */
  charged: number
  /** Bytes given back by transfers that the sweep folded away (docs/counting.md). */
  refunded: number
  createdAt: number
  notBefore: number | null
  /** When downloads stop: the database's word, which may be earlier than the token's `exp` (docs/counting.md). */
  expiresAt: number
  revokedAt: number | null
  /** The owner's note about the link, never shown to recipients. Absent: none. */
  note?: string | null
  /** The claims of the link's current token. Absent: the token it was issued with (tokenOf). */
  token?: LinkToken
}

/**
 * What a link's current token carries. It starts as the link's own claims;
 * a PATCH that moves the expiry past `expiresAt` here issues a new token
 * (`version` + 1). Older tokens stay valid until their own expiry.
 */
export interface LinkToken {
  version: number
  issuedAt: number
  expiresAt: number
  /** The limit when the token was issued: informative, the database's limit rules. */
  maxDownloads: number | null
}

/** The claims of the link's current token. */
export function tokenOf(link: LinkRecord): LinkToken {
  return link.token ?? { version: 0, issuedAt: link.createdAt, expiresAt: link.expiresAt, maxDownloads: link.maxDownloads }
}

/** What a PATCH writes to a link (planLinkChange); absent fields stay, `token` when it issues a new token. */
export interface LinkChange {
  expiresAt?: number
  maxDownloads?: number | null
  filename?: string | null
  note?: string | null
  token?: LinkToken
}

/** A link with its file, as a download needs them. */
export interface LinkTarget {
  link: LinkRecord
  file: FileRecord
}

export type LinkStatus = 'active' | 'expired' | 'revoked' | 'exhausted' | 'file_deleted'
