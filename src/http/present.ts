import { linkStatus } from '../core/link/policy'
import type { FileRecord, LinkRecord } from '../core/model'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function fileJson(file: FileRecord) {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    ...(file.sha256 ? { sha256: file.sha256 } : {}),
    createdAt: iso(file.createdAt),
  }
}

/** A link as the API shows it; `access` only for its creator and in GET by id. */
export function linkJson(
  link: LinkRecord,
  file: Pick<FileRecord, 'deletedAt'> | null,
  now: number,
  access?: { token: string; url: string; downloadUrl: string },
) {
  return {
    id: link.id,
    fileId: link.fileId,
    ...(access ?? {}),
    expiresAt: iso(link.expiresAt),
    notBefore: iso(link.notBefore),
    maxDownloads: link.maxDownloads,
    downloads: link.downloads,
    remaining: Math.max(0, link.maxDownloads - link.downloads),
    status: linkStatus(link, file, now),
    ...(link.filename !== null ? { filename: link.filename } : {}),
    createdAt: iso(link.createdAt),
    revokedAt: iso(link.revokedAt),
  }
}
