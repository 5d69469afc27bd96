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
  /** The API key that issued the link; null when no key did (a signed-in person). */
  issuerKeyId: string | null
  /** Overrides the file's name in Content-Disposition. */
  filename: string | null
  maxDownloads: number
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
  expiresAt: number
  revokedAt: number | null
}

/** Who owns files and links, as admins see it: an API key, or (with accounts) a user. */
export interface Owner {
  kind: 'api_key' | 'user'
  id: string
  /** The key's name, or the user's username. */
  name: string
}

/** A link with its file, as a download needs them. */
export interface LinkTarget {
  link: LinkRecord
  file: FileRecord
}

export type LinkStatus = 'active' | 'expired' | 'revoked' | 'exhausted' | 'file_deleted'
