import type {
  FileRecord,
  KeyWithOwner,
  LinkRecord,
  Role,
  SessionRecord,
  UploadRecord,
  UploadRequestRecord,
  UserRecord,
} from '../../core/model'

// The tables' rows as SQL returns them, and the records they map to.

export interface KeyRow {
  id: string
  name: string
  role: Role
  hash: string
  owner_kind: 'user' | 'api_key' | null
  owner_id: string | null
  created_at: number
  disabled_at: number | null
  owner_name: string | null
  owner_disabled_at: number | null
}

export interface UserRow {
  id: string
  username: string
  role: Role
  password_hash: string | null
  created_at: number
  disabled_at: number | null
}

export interface SessionRow {
  id: string
  user_id: string
  created_at: number
  expires_at: number
  revoked_at: number | null
}

export interface FileRow {
  id: string
  owner_id: string
  name: string
  size: number
  content_type: string
  sha256: string | null
  object_key: string
  created_at: number
  deleted_at: number | null
  upload_request_id: string | null
}

export interface LinkRow {
  id: string
  file_id: string
  owner_id: string
  issuer_key_id: string | null
  filename: string | null
  message: string | null
  password_hash: string | null
  max_downloads: number | null
  size: number
  downloads: number
  charged: number
  refunded: number
  created_at: number
  not_before: number | null
  expires_at: number
  revoked_at: number | null
  last_download_at: number | null
  note: string | null
  token_version: number
  token_issued_at: number
  token_expires_at: number
  token_max_downloads: number | null
}

export const toKey = (r: KeyRow): KeyWithOwner => ({
  id: r.id,
  name: r.name,
  role: r.role,
  hash: r.hash,
  owner: r.owner_kind !== null && r.owner_id !== null ? { kind: r.owner_kind, id: r.owner_id } : null,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  ownerName: r.owner_name,
  ownerDisabledAt: r.owner_disabled_at,
})

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
})

export const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
})

export const toFile = (r: FileRow): FileRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  size: r.size,
  contentType: r.content_type,
  sha256: r.sha256,
  objectKey: r.object_key,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
  uploadRequestId: r.upload_request_id,
})

export const toLink = (r: LinkRow): LinkRecord => ({
  id: r.id,
  fileId: r.file_id,
  ownerId: r.owner_id,
  issuerKeyId: r.issuer_key_id,
  filename: r.filename,
  message: r.message,
  passwordHash: r.password_hash,
  maxDownloads: r.max_downloads,
  size: r.size,
  downloads: r.downloads,
  charged: r.charged,
  refunded: r.refunded,
  createdAt: r.created_at,
  notBefore: r.not_before,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastDownloadAt: r.last_download_at,
  note: r.note,
  token: { version: r.token_version, issuedAt: r.token_issued_at, expiresAt: r.token_expires_at, maxDownloads: r.token_max_downloads },
})

export const LINK_COLUMNS =
  'l.id, l.file_id, l.owner_id, l.issuer_key_id, l.filename, l.message, l.password_hash, l.max_downloads, l.size, l.downloads, l.charged, l.refunded, l.created_at, l.not_before, l.expires_at, l.revoked_at, ' +
  'l.last_download_at, l.note, l.token_version, l.token_issued_at, l.token_expires_at, l.token_max_downloads'
export const FILE_COLUMNS =
  'f.id, f.owner_id, f.name, f.size, f.content_type, f.sha256, f.object_key, f.created_at, f.deleted_at, f.upload_request_id'

export const USER_COLUMNS = 'u.id, u.username, u.role, u.password_hash, u.created_at, u.disabled_at'

/**
 * A key with its owner's name and, for a user's key, whether that user is
 * disabled (a disabled user's keys stop): FROM api_keys k and these joins.
 */
export const KEY_WITH_OWNER = `SELECT k.id, k.name, k.role, k.hash, k.owner_kind, k.owner_id, k.created_at, k.disabled_at,
    COALESCE(ou.username, ok.name) AS owner_name, ou.disabled_at AS owner_disabled_at
  FROM api_keys k
  LEFT JOIN users ou ON k.owner_kind = 'user' AND ou.id = k.owner_id
  LEFT JOIN api_keys ok ON k.owner_kind = 'api_key' AND ok.id = k.owner_id`

export interface UploadRow {
  id: string
  owner_id: string
  request_id: string | null
  file_id: string
  object_key: string
  handle: string | null
  name: string
  size: number
  content_type: string
  part_size: number
  parts: number
  created_at: number
  expires_at: number
}

export interface UploadRequestRow {
  id: string
  owner_id: string
  message: string | null
  max_files: number
  max_bytes: number
  files: number
  bytes: number
  held_files: number
  held_bytes: number
  created_at: number
  expires_at: number
  revoked_at: number | null
}

export const toUpload = (r: UploadRow): UploadRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  requestId: r.request_id,
  fileId: r.file_id,
  objectKey: r.object_key,
  handle: r.handle,
  name: r.name,
  size: r.size,
  contentType: r.content_type,
  partSize: r.part_size,
  parts: r.parts,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
})

export const toUploadRequest = (r: UploadRequestRow): UploadRequestRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  message: r.message,
  maxFiles: r.max_files,
  maxBytes: r.max_bytes,
  files: r.files,
  bytes: r.bytes,
  heldFiles: r.held_files,
  heldBytes: r.held_bytes,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
})

export const UPLOAD_COLUMNS =
  'u.id, u.owner_id, u.request_id, u.file_id, u.object_key, u.handle, u.name, u.size, u.content_type, u.part_size, u.parts, u.created_at, u.expires_at'
export const UPLOAD_REQUEST_COLUMNS =
  'r.id, r.owner_id, r.message, r.max_files, r.max_bytes, r.files, r.bytes, r.held_files, r.held_bytes, r.created_at, r.expires_at, r.revoked_at'
