import type { z } from '@hono/zod-openapi'
import type { LinkEvent } from '../core/events/model'
import { linkStatus, remainingDownloads } from '../core/link/policy'
import type {
  FileRecord,
  KeyWithOwner,
  LinkRecord,
  Owner,
  ReceivedPart,
  UploadRecord,
  UploadRequestRecord,
  UserRecord,
} from '../core/model'
import { uploadRequestStatus } from '../core/upload/request'
import type { DeliveryRecord, WebhookRecord } from '../core/webhooks/events'
import { BOOTSTRAP_KEY_ID, BOOTSTRAP_KEY_NAME } from './auth/api-key'
import type { UserSchema } from './schemas/account'
import type { EventSchema } from './schemas/event'
import type { FileSchema } from './schemas/file'
import type { KeySchema } from './schemas/key'
import type { LinkSchema, LinkWithAccessSchema } from './schemas/link'
import type { UploadSchema } from './schemas/upload'
import type { UploadRequestSchema, UploadRequestWithAccessSchema } from './schemas/upload-request'
import type { DeliverySchema, WebhookSchema } from './schemas/webhook'

const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))

/** A file as the API shows it; `owner` for admins only. */
export function fileJson(file: FileRecord, owner?: Owner): z.infer<typeof FileSchema> {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    ...(file.sha256 ? { sha256: file.sha256 } : {}),
    createdAt: iso(file.createdAt),
    ...(file.uploadRequestId ? { uploadRequestId: file.uploadRequestId } : {}),
    ...(owner ? { owner } : {}),
  }
}

export function uploadJson(upload: UploadRecord, received: readonly ReceivedPart[]): z.infer<typeof UploadSchema> {
  return {
    id: upload.id,
    name: upload.name,
    size: upload.size,
    contentType: upload.contentType,
    partSize: upload.partSize,
    parts: upload.parts,
    received: received.map((part) => part.number),
    expiresAt: iso(upload.expiresAt),
    createdAt: iso(upload.createdAt),
  }
}

type RequestAccess = { token: string; url: string }

/** An upload request as the API shows it; `access` only for its creator and in GET by id. */
export function uploadRequestJson(request: UploadRequestRecord, now: number): z.infer<typeof UploadRequestSchema>
export function uploadRequestJson(
  request: UploadRequestRecord,
  now: number,
  access: RequestAccess,
): z.infer<typeof UploadRequestWithAccessSchema>
export function uploadRequestJson(request: UploadRequestRecord, now: number, access?: RequestAccess) {
  return {
    id: request.id,
    ...(access ?? {}),
    expiresAt: iso(request.expiresAt),
    maxFiles: request.maxFiles,
    maxBytes: request.maxBytes,
    files: request.files,
    bytes: request.bytes,
    pendingFiles: request.heldFiles - request.files,
    pendingBytes: request.heldBytes - request.bytes,
    message: request.message,
    status: uploadRequestStatus(request, now),
    createdAt: iso(request.createdAt),
    revokedAt: isoOrNull(request.revokedAt),
  }
}

type Access = { token: string; url: string; downloadUrl: string }

/** A link as the API shows it; `access` only for its creator and in GET by id; `owner` for admins only. */
export function linkJson(
  link: LinkRecord,
  file: Pick<FileRecord, 'deletedAt'> | null,
  now: number,
  access?: undefined,
  owner?: Owner,
): z.infer<typeof LinkSchema>
export function linkJson(
  link: LinkRecord,
  file: Pick<FileRecord, 'deletedAt'> | null,
  now: number,
  access: Access,
  owner?: Owner,
): z.infer<typeof LinkWithAccessSchema>
export function linkJson(
  link: LinkRecord,
  file: Pick<FileRecord, 'deletedAt'> | null,
  now: number,
  access?: Access,
  owner?: Owner,
): z.infer<typeof LinkSchema> | z.infer<typeof LinkWithAccessSchema> {
  return {
    id: link.id,
    fileId: link.fileId,
    ...(access ?? {}),
    expiresAt: iso(link.expiresAt),
    notBefore: isoOrNull(link.notBefore),
    maxDownloads: link.maxDownloads,
    downloads: link.downloads,
    remaining: remainingDownloads(link),
    status: linkStatus(link, file, now),
    ...(link.filename !== null ? { filename: link.filename } : {}),
    ...(link.note ? { note: link.note } : {}),
    message: link.message,
    passwordProtected: link.passwordHash !== null,
    createdAt: iso(link.createdAt),
    revokedAt: isoOrNull(link.revokedAt),
    lastDownloadAt: isoOrNull(link.lastDownloadAt),
    ...(owner ? { owner } : {}),
  }
}

export function userJson(user: UserRecord): z.infer<typeof UserSchema> {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: iso(user.createdAt),
    disabledAt: isoOrNull(user.disabledAt),
  }
}

export function keyJson(key: KeyWithOwner): z.infer<typeof KeySchema> {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    owner: key.owner ? { ...key.owner, name: key.ownerName ?? (key.owner.id === BOOTSTRAP_KEY_ID ? BOOTSTRAP_KEY_NAME : null) } : null,
    createdAt: iso(key.createdAt),
    disabledAt: isoOrNull(key.disabledAt),
  }
}

/** An audit event as the API shows it: absent details left out. */
export function eventJson(event: LinkEvent): z.infer<typeof EventSchema> {
  return {
    id: event.id,
    type: event.type,
    at: iso(event.at),
    ...(event.code !== null ? { code: event.code } : {}),
    ...(event.bytes !== null ? { bytes: event.bytes } : {}),
    ...(event.address !== null ? { address: event.address } : {}),
    ...(event.userAgent !== null ? { userAgent: event.userAgent } : {}),
  }
}

/** A webhook as the API shows it, never with its secret. */
export function webhookJson(webhook: WebhookRecord): z.infer<typeof WebhookSchema> {
  return { id: webhook.id, url: webhook.url, events: webhook.events, createdAt: iso(webhook.createdAt) }
}

export function deliveryJson(delivery: DeliveryRecord): z.infer<typeof DeliverySchema> {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    createdAt: iso(delivery.createdAt),
    deliveredAt: isoOrNull(delivery.deliveredAt),
  }
}
