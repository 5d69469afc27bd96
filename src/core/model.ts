/** The records the service keeps. Times are milliseconds since the epoch. */

export type Role = 'admin' | 'user'

/** Who owns a key: the user it was made for, or the key (with no user) that made it. */
export interface KeyOwner {
  kind: 'user' | 'api_key'
  id: string
}

export interface ApiKeyRecord {
  id: string
  name: string
  role: Role
  /** SHA-256 of the secret, hex; the secret itself is never stored. */
  hash: string
  /** Null for keys made before accounts existed, whose maker was not recorded. */
  owner: KeyOwner | null
  createdAt: number
  disabledAt: number | null
}

/** A key as lookups return it: with its owner's name, and whether a user owning it is disabled. */
export interface KeyWithOwner extends ApiKeyRecord {
  ownerName: string | null
  ownerDisabledAt: number | null
}

export interface UserRecord {
  id: string
  username: string
  role: Role
  /** Null until the user has chosen a password (an open invite). */
  passwordHash: string | null
  createdAt: number
  disabledAt: number | null
}

export interface SessionRecord {
  /** The session token's jti. */
  id: string
  userId: string
  createdAt: number
  expiresAt: number
  revokedAt: number | null
}

/**
 * Who is calling the API: a signed-in user, or an API key (which belongs to
 * a user, or to the key with no user that made it).
 */
export type Principal =
  | { kind: 'user'; id: string; name: string; role: Role; sessionId: string | null }
  | { kind: 'api_key'; id: string; name: string; role: Role; userId: string | null }
  /**
   * An upload request's token (src/http/auth/upload-request-token.ts): it acts
   * for the request's owner (`ownerId`, a user or a key) with role `user`, on
   * that request's uploads only. `id` is the request's id.
   */
  | { kind: 'upload_request'; id: string; name: string; role: 'user'; ownerId: string }

/**
 * The owner the caller acts as: what it creates belongs to it, what belongs
 * to it is what it may see. A user's keys act as that user; a key with no
 * user is its own owner (users and keys share one id space).
 */
export function ownerOf(principal: Principal): string {
  if (principal.kind === 'upload_request') return principal.ownerId
  return principal.kind === 'user' ? principal.id : (principal.userId ?? principal.id)
}

/** The user the caller is or acts for, if any. */
export function userOf(principal: Principal): string | null {
  if (principal.kind === 'upload_request') return null
  return principal.kind === 'user' ? principal.id : principal.userId
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
  /** The API key that issued the link; null when no key did (a signed-in person). */
  issuerKeyId: string | null
  /** Overrides the file's name in Content-Disposition. */
  filename: string | null
  /** The sender's words to the recipient, shown on the landing page. */
  message: string | null
  /** The link password's hash (src/core/password.ts), or null when it has none. */
  passwordHash: string | null
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
  /** When its last counted download started; null before the first. */
  lastDownloadAt: number | null
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
