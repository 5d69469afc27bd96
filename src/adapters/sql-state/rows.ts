import type { ApiKeyRecord, FileRecord, LinkRecord, Role } from '../../core/model'

// The tables' rows as SQL returns them, and the records they map to.

export interface KeyRow {
  id: string
  name: string
  role: Role
  hash: string
  created_at: number
  disabled_at: number | null
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
}

export interface LinkRow {
  id: string
  file_id: string
  owner_id: string
  issuer_key_id: string | null
  filename: string | null
  max_downloads: number
  size: number
  downloads: number
  charged: number
  refunded: number
  created_at: number
  not_before: number | null
  expires_at: number
  revoked_at: number | null
}

export const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  hash: r.hash,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
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
})

export const toLink = (r: LinkRow): LinkRecord => ({
  id: r.id,
  fileId: r.file_id,
  ownerId: r.owner_id,
  issuerKeyId: r.issuer_key_id,
  filename: r.filename,
  maxDownloads: r.max_downloads,
  size: r.size,
  downloads: r.downloads,
  charged: r.charged,
  refunded: r.refunded,
  createdAt: r.created_at,
  notBefore: r.not_before,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
})

export const LINK_COLUMNS =
  'l.id, l.file_id, l.owner_id, l.issuer_key_id, l.filename, l.max_downloads, l.size, l.downloads, l.charged, l.refunded, l.created_at, l.not_before, l.expires_at, l.revoked_at'
export const FILE_COLUMNS = 'f.id, f.owner_id, f.name, f.size, f.content_type, f.sha256, f.object_key, f.created_at, f.deleted_at'
