// The counting design (rules, byte budget, grants, give-back, the invariant): docs/counting.md.
import type { Clock } from '../clock'
import { FuselinkError } from '../errors'
import { meterStream } from '../http/metered-stream'
import { parseRange } from '../http/range'
import { newId } from '../ids'
import type { LinkTarget } from '../model'
import { ObjectMissingError, type ObjectStore, type RecordStore, type TransferLedger } from '../ports'
import type { TokenVerifier } from '../token/verifier'
import { FIRST_GRANT, TRANSFER_LEASE_MS, TransferGrants } from './grants'
import { type DownloadMode, decideStart, giveBackCap } from './policy'

const LEASE_RENEW_MS = 2 * 60_000
/** How many transfers a resume may trim before it is judged too big for what is left. */
const MAX_TRIMS = 8

export interface DownloadDeps {
  /** The ledger, and the one record a download reads: its link with its file. */
  state: TransferLedger & Pick<RecordStore, 'getLinkTarget'>
  objects: ObjectStore
  verifier: TokenVerifier
  clock: Clock
  /** RESUME_GRACE in milliseconds. */
  resumeGrace: number
}

export interface DownloadRequest {
  token: string
  range: string | null
  ifRange: string | null
  ifNoneMatch: string | null
  /** False for HEAD, prefetches and previews: answer with headers only and consume nothing. */
  consume: boolean
  /**
   * Called once the link may start this request, before anything is
   * answered or counted: throws to refuse it (a link password that is
   * missing or wrong). `start` is the first byte asked for.
   */
  unlock?: (target: LinkTarget, start: number) => Promise<void>
}

export type DownloadResult =
  | {
      status: 200 | 206
      target: LinkTarget
      etag: string
      start: number
      end: number
      body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null
      ended: Promise<void>
    }
  | { status: 304; target: LinkTarget; etag: string }
  | { status: 416; target: LinkTarget; etag: string }

/** A strong validator: files are immutable, a new upload is a new id. */
function fileEtag(target: LinkTarget): string {
  return `"${target.file.id}.${target.file.size}"`
}

/** If-None-Match uses the weak comparison (RFC 9110, 13.1.2): W/ is ignored. */
function noneMatch(header: string, etag: string): boolean {
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/** Checks a token and loads what it points at; the link's own state is not judged yet. */
export async function resolveToken(
  deps: Pick<DownloadDeps, 'state' | 'verifier' | 'clock' | 'resumeGrace'>,
  token: string,
): Promise<LinkTarget> {
  const claims = await deps.verifier.verify(token)
  // Past expiry and grace nothing can be served, and old rows may be gone.
  if (deps.clock.now() >= claims.exp * 1000 + deps.resumeGrace) throw new FuselinkError('link_expired')
  const target = await deps.state.getLinkTarget(claims.jti)
  if (!target || target.link.fileId !== claims.fid || target.link.maxDownloads !== claims.max) {
    throw new FuselinkError('invalid_token', 'The link does not match any issued link.')
  }
  return target
}

/**
 * Starts a transfer row for bytes start..start+length-1 and reserves its
 * first chunk; returns the row's id and that chunk, or throws the refusal.
 */
async function admit(deps: DownloadDeps, target: LinkTarget, mode: DownloadMode, start: number, length: number) {
  const { link, file } = target
  const now = deps.clock.now()
  const grant = Math.min(length, FIRST_GRANT)
  const base = { linkId: link.id, start, length, grant, now, leaseUntil: now + TRANSFER_LEASE_MS, resumeGrace: deps.resumeGrace }

  if (mode === 'resume') {
    for (let trims = 0; ; trims++) {
      const id = newId()
      if (await deps.state.startTransfer({ ...base, id, mode })) return { id, grant }
      if (trims === MAX_TRIMS || !(await deps.state.makeRoom(link.id, start, giveBackCap(file.size)))) break
    }
  }
  // A fresh download; or a resume too big for what is left, which may still
  // be served as a new download if the link has one left.
  const id = newId()
  if (await deps.state.startTransfer({ ...base, id, mode: 'fresh' })) return { id, grant }
  // Another request won the race, or the link changed: say which.
  const fresh = await deps.state.getLinkTarget(link.id)
  const again = fresh ? decideStart(fresh.link, fresh.file, 0, deps.clock.now(), deps.resumeGrace) : null
  throw new FuselinkError(again && !again.ok ? again.code : 'download_limit_reached')
}

/**
 * One download request, from token to metered body (docs/counting.md).
 * Refusals throw FuselinkError; a body, once returned, settles its transfer
 * by itself when it ends or is cancelled (`ended` resolves then).
 */
export async function openDownload(deps: DownloadDeps, request: DownloadRequest): Promise<DownloadResult> {
  const target = await resolveToken(deps, request.token)
  const { link, file } = target
  const etag = fileEtag(target)

  // If-Range with anything but the current strong ETag (a date, a weak or old
  // tag) means the client's copy is not this file: send all of it.
  const rangeHeader = request.ifRange !== null && request.ifRange.trim() !== etag ? null : request.range
  const range = parseRange(rangeHeader, file.size)
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : file.size - 1

  const decision = decideStart(link, file, start, deps.clock.now(), deps.resumeGrace)
  if (!decision.ok) throw new FuselinkError(decision.code)
  await request.unlock?.(target, start)
  // If-None-Match is evaluated before Range (RFC 9110, 13.2.2).
  if (request.ifNoneMatch !== null && noneMatch(request.ifNoneMatch, etag)) return { status: 304, target, etag }
  if (range.kind === 'unsatisfiable') return { status: 416, target, etag }

  const status = range.kind === 'partial' ? 206 : 200
  if (!request.consume) return { status, target, etag, start, end, body: null, ended: Promise.resolve() }

  const length = end - start + 1
  const transfer = await admit(deps, target, decision.mode, start, length)

  let object
  try {
    object = await deps.objects.get(file.objectKey, status === 206 ? { start, end } : undefined)
  } catch (error) {
    await deps.state.cancelTransfer(transfer.id)
    if (error instanceof ObjectMissingError) throw new FuselinkError('file_gone', 'The file is no longer in storage.')
    throw new FuselinkError('storage_unavailable', 'Storage did not answer; nothing was counted.', { cause: error })
  }

  if ('bytes' in object && object.bytes.byteLength <= transfer.grant) {
    // Read whole and covered by the first grant: handed to the response in one
    // write, which is what a meter would count the moment it passed it on.
    return { status, target, etag, start, end, body: object.bytes, ended: deps.state.settleTransfer(transfer.id, object.bytes.byteLength) }
  }
  const source = 'bytes' in object ? new Blob([object.bytes]).stream() : object.body
  const grants = new TransferGrants(deps, { id: transfer.id, linkId: link.id, length, cap: giveBackCap(file.size) }, transfer.grant)
  let renewAt = deps.clock.now() + LEASE_RENEW_MS
  const { body, ended } = meterStream(source, {
    allow: (total) => grants.allow(total),
    // Storage failing before the first byte consumes nothing (docs/counting.md, rule 4).
    end: (sent, how) =>
      how === 'failed' && sent === 0 && length > 0 ? deps.state.cancelTransfer(transfer.id) : deps.state.settleTransfer(transfer.id, sent),
    progress: () => {
      const at = deps.clock.now()
      if (at < renewAt) return
      renewAt = at + LEASE_RENEW_MS
      void deps.state.renewTransfer(transfer.id, at + TRANSFER_LEASE_MS).catch(() => {})
    },
  })
  return { status, target, etag, start, end, body, ended }
}
