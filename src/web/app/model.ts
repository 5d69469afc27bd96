/** The shapes the app reads from /api/v1 (docs/api.md). Fields it does not use are left out. */

export interface StoredFile {
  id: string
  name: string
  size: number
  contentType: string
  createdAt: string
  owner?: Owner
}

export interface Owner {
  kind: string
  id: string
  name: string
}

export type LinkStatus = 'active' | 'expired' | 'revoked' | 'exhausted' | 'file_deleted'

export interface Link {
  id: string
  fileId: string
  url?: string
  expiresAt: string
  notBefore: string | null
  maxDownloads: number | null
  downloads: number
  remaining: number | null
  status: LinkStatus
  filename?: string
  message?: string
  passwordProtected?: boolean
  createdAt: string
  revokedAt: string | null
  lastDownloadAt: string | null
  owner?: Owner
}

export interface ApiKey {
  id: string
  name: string
  role: 'admin' | 'user'
  createdAt: string
  disabledAt: string | null
  owner?: Owner
}

export interface User {
  id: string
  username: string
  role: 'admin' | 'user'
  createdAt: string
  disabledAt: string | null
}
