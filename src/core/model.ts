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
  /**
   * Set when the caller presented an upload request's token rather than a
   * key: it then acts for the request's owner (keyId, role 'user') and only
   * on uploads made through that request (src/http/middleware/upload-request-auth.ts).
   */
  uploadRequestId?: string
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
  /** The upload request it was received through, if any. */
  uploadRequestId: string | null
}

export interface LinkRecord {
  id: string
  fileId: string
  ownerId: string
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

/** A link with its file, as a download needs them. */
export interface LinkTarget {
  link: LinkRecord
  file: FileRecord
}

export type LinkStatus = 'active' | 'expired' | 'revoked' | 'exhausted' | 'file_deleted'

/** An upload in parts (docs/uploads.md), from its creation until it is completed, aborted or expired. */
export interface UploadRecord {
  id: string
  ownerId: string
  /** The upload request it counts against, if it came through one. */
  requestId: string | null
  /** The id the file will have once completed; its object key is files/<fileId>. */
  fileId: string
  objectKey: string
  /**
   * The store's id of the multipart upload (S3's UploadId). Null for a
   * one-request upload through an upload request, which holds its place in
   * the request's limits here while its body streams, and is never shown.
   */
  handle: string | null
  name: string
  size: number
  contentType: string
  partSize: number
  parts: number
  createdAt: number
  expiresAt: number
}

/** A part the service has received and checked: its number and length. */
export interface ReceivedPart {
  number: number
  size: number
}

/** A request for files: whoever holds its token may upload to its owner, within its limits. */
export interface UploadRequestRecord {
  id: string
  ownerId: string
  message: string | null
  maxFiles: number
  maxBytes: number
  /** Files received (completed) through it, and their bytes. */
  files: number
  bytes: number
  /** Files and bytes held: those received plus uploads still in flight. */
  heldFiles: number
  heldBytes: number
  createdAt: number
  expiresAt: number
  revokedAt: number | null
}

export type UploadRequestStatus = 'open' | 'expired' | 'revoked' | 'full'
