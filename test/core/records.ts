import type { FileRecord, LinkRecord } from '../../src/core/model'

/** The frozen "now" of the unit tests of the counting rules, and an hour. */
export const NOW = 1_800_000_000_000
export const HOUR = 3600_000

/** A file issued an hour ago; fields as given. */
export function fileRecord(overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    id: 'file000001',
    ownerId: 'owner',
    name: 'report.pdf',
    size: 1000,
    contentType: 'application/pdf',
    sha256: null,
    objectKey: 'files/file000001',
    createdAt: NOW - HOUR,
    deletedAt: null,
    uploadRequestId: null,
    ...overrides,
  }
}

/** A link to fileRecord()'s file, alive for another hour, never downloaded; fields as given. */
export function linkRecord(overrides: Partial<LinkRecord> = {}): LinkRecord {
  return {
    id: 'link000001',
    fileId: 'file000001',
    ownerId: 'owner',
    issuerKeyId: 'owner',
    filename: null,
    message: null,
    passwordHash: null,
    maxDownloads: 1,
    size: 1000,
    downloads: 0,
    charged: 0,
    refunded: 0,
    createdAt: NOW - HOUR,
    notBefore: null,
    expiresAt: NOW + HOUR,
    revokedAt: null,
    lastDownloadAt: null,
    ...overrides,
  }
}
