import type { Clock } from '../clock'
import { FuselinkError } from '../errors'
import { parseRange } from '../http/range'
import { meterStream } from '../http/metered-stream'
import { newId } from '../ids'
import type { LinkTarget } from '../model'
import { ObjectMissingError, type ObjectStore, type StateStore } from '../ports'
import type { TokenVerifier } from '../token/verifier'
import { decideStart, giveBackCap } from './policy'

/** How long an unsettled transfer counts as alive, and how often a running one says so. */
export const TRANSFER_LEASE_MS = 5 * 60_000
const LEASE_RENEW_MS = 2 * 60_000

export interface DownloadDeps {
  state: StateStore
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
}

export type DownloadResult =
  | { status: 200 | 206; target: LinkTarget; etag: string; start: number; end: number; body: ReadableStream<Uint8Array> | null; ended: Promise<void> }
  | { status: 304; target: LinkTarget; etag: string }
  | { status: 416; target: LinkTarget; etag: string }

/** A strong validator: files are immutable, a new upload is a new id. */
export function fileEtag(target: LinkTarget): string {
  return `"${target.file.id}.${target.file.size}"`
}

function matchesAny(header: string, etag: string): boolean {
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim() === etag)
}

/** Checks a token and loads what it points at; the link's own state is not judged yet. */
export async function resolveToken(deps: Pick<DownloadDeps, 'state' | 'verifier' | 'clock' | 'resumeGrace'>, token: string): Promise<LinkTarget> {
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
 * One download request, from token to metered body (API.md counting rules).
 * Refusals throw FuselinkError; a body, once returned, settles its transfer
 * by itself when it ends or is cancelled (`ended` resolves then).
 */
export async function openDownload(deps: DownloadDeps, request: DownloadRequest): Promise<DownloadResult> {
  const target = await resolveToken(deps, request.token)
  const { link, file } = target
  const etag = fileEtag(target)
  const now = deps.clock.now()

  const rangeHeader = request.ifRange !== null && request.ifRange.trim() !== etag ? null : request.range
  const range = parseRange(rangeHeader, file.size)
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : file.size - 1

  const decision = decideStart(link, file, start, now, deps.resumeGrace)
  if (!decision.ok) throw new FuselinkError(decision.code)
  if (range.kind === 'unsatisfiable') return { status: 416, target, etag }
  if (request.ifNoneMatch !== null && matchesAny(request.ifNoneMatch, etag)) return { status: 304, target, etag }

  const status = range.kind === 'partial' ? 206 : 200
  if (!request.consume) return { status, target, etag, start, end, body: null, ended: Promise.resolve() }

  const transfer = newId()
  const length = end - start + 1
  if (decision.mode === 'resume') await deps.state.giveBack(link.id, start, giveBackCap(file.size))
  const started = await deps.state.startTransfer({
    id: transfer,
    linkId: link.id,
    start,
    length,
    mode: decision.mode,
    now,
    leaseUntil: now + TRANSFER_LEASE_MS,
    resumeGrace: deps.resumeGrace,
  })
  if (!started) {
    // Another request won the race, or the budget is spent: say which.
    const fresh = await deps.state.getLinkTarget(link.id)
    const again = fresh ? decideStart(fresh.link, fresh.file, start, deps.clock.now(), deps.resumeGrace) : null
    throw new FuselinkError(again && !again.ok ? again.code : 'download_limit_reached')
  }

  let object
  try {
    object = await deps.objects.get(file.objectKey, status === 206 ? { start, end } : undefined)
  } catch (error) {
    await deps.state.cancelTransfer(transfer)
    if (error instanceof ObjectMissingError) throw new FuselinkError('file_gone', 'The file is no longer in storage.')
    throw new FuselinkError('storage_unavailable', 'Storage did not answer; nothing was counted.', { cause: error })
  }

  let renewAt = now + LEASE_RENEW_MS
  const { body, ended } = meterStream(
    object.body,
    (sent) => deps.state.settleTransfer(transfer, sent),
    () => {
      const at = deps.clock.now()
      if (at < renewAt) return
      renewAt = at + LEASE_RENEW_MS
      void deps.state.renewTransfer(transfer, at + TRANSFER_LEASE_MS).catch(() => {})
    },
  )
  return { status, target, etag, start, end, body, ended }
}
