// The counting design (rules, byte budget, grants, give-back, the invariant): docs/counting.md.
import type { Clock } from '../clock'
import { FuselinkError } from '../errors'
import { exactly, sourceOfBytes, sourceOfStream } from '../http/byte-sources'
import { MeteredBody } from '../http/metered-stream'
import { parseRange } from '../http/range'
import { newOrderedId } from '../ids'
import type { LinkRecord, LinkTarget } from '../model'
import { ObjectMissingError, type ObjectStore, type RecordStore, type StoredObject, type TransferLedger } from '../ports'
import type { TokenVerifier } from '../token/verifier'
import { FIRST_GRANT, TRANSFER_LEASE_MS, TransferGrants } from './grants'
import type { LiveTransfers } from './live-transfers'
import { type DownloadMode, decideStart, giveBackCap } from './policy'

const LEASE_RENEW_MS = 2 * 60_000
/** Bodies up to this size are read whole (what a store returns as bytes, not a stream). */
const WHOLE_BODY = 64 * 1024
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
  /** STALL_TIMEOUT in milliseconds: a body whose client takes nothing for this long is broken off. */
  stallTimeout?: number
  /** The caps on transfers streaming at once; none when absent. */
  live?: LiveTransfers
}

export interface DownloadRequest {
  token: string
  range: string | null
  ifRange: string | null
  ifNoneMatch: string | null
  /** False for HEAD, prefetches and previews: answer with headers only and consume nothing. */
  consume: boolean
  /** Told when the transfer starts and ends, for the link's audit events. */
  observer?: DownloadObserver
  /** The client's address, for the cap on transfers per address. */
  client?: string
  /**
   * Called once the link may start this request, before anything is
   * answered or counted: throws to refuse it (a link password that is
   * missing or wrong). `start` is the first byte asked for.
   */
  unlock?: (target: LinkTarget, start: number) => Promise<void>
}

/**
 * What a download tells about itself as it goes (docs/api.md, "Events").
 * `started`: admitted and storage answered, the first byte is about to
 * leave. `ended`: settled; `complete` when every byte asked for went out.
 * Neither may throw; what `ended` returns is part of the download's `ended`.
 */
export interface DownloadObserver {
  started(link: LinkRecord, mode: DownloadMode): void
  ended(link: LinkRecord, sent: number, complete: boolean): Promise<void> | void
}

export type DownloadResult =
  | {
      status: 200 | 206
      target: LinkTarget
      etag: string
      start: number
      end: number
      body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null
      /**
       * The streamed body before it became `body`: a runtime that can write
       * it to the client directly (Node) takes this instead and never reads
       * `body`. Null when there is no streamed body.
       */
      metered: MeteredBody | null
      ended: Promise<void>
    }
  | { status: 304; target: LinkTarget; etag: string }
  | { status: 416; target: LinkTarget; etag: string }

const tooMany = () =>
  new FuselinkError('too_many_transfers', 'Too many downloads of this link, or from this address, are running; nothing was counted.')

/** Storage's reading of a key; a failure undoes what `undo` undoes and is refused as file_gone or storage_unavailable (rule 4). */
async function read(deps: DownloadDeps, key: string, range: { start: number; end: number } | undefined, undo: () => Promise<void>) {
  try {
    return await deps.objects.get(key, range)
  } catch (error) {
    await undo()
    if (error instanceof ObjectMissingError) throw new FuselinkError('file_gone', 'The file is no longer in storage.')
    throw new FuselinkError('storage_unavailable', 'Storage did not answer; nothing was counted.', { cause: error })
  }
}

/** Lets an object read for nothing go (its file or connection closed). */
async function discard(object: StoredObject): Promise<void> {
  if ('source' in object) await object.source.cancel().catch(() => {})
  else if ('body' in object) await object.body.cancel().catch(() => {})
}

/** A strong validator: files are immutable, a new upload is a new id. */
function fileEtag(target: LinkTarget): string {
  return `"${target.file.id}.${target.file.size}"`
}

/** If-None-Match uses the weak comparison (RFC 9110, 13.1.2): W/ is ignored. */
function noneMatch(header: string, etag: string): boolean {
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/**
 * Checks a token and loads what it points at; the link's own state is not
 * judged yet. The database rules the limit, revocation and counts; for time
 * it may only narrow what the token grants, so the link is seen with the
 * earlier of its own expiry and the token's (docs/counting.md, "Changing a link").
 */
export async function resolveToken(
  deps: Pick<DownloadDeps, 'state' | 'verifier' | 'clock' | 'resumeGrace'>,
  token: string,
): Promise<LinkTarget> {
  const claims = await deps.verifier.verify(token)
  // Past expiry and grace nothing can be served, and old rows may be gone.
  if (deps.clock.now() >= claims.exp * 1000 + deps.resumeGrace) throw new FuselinkError('link_expired')
  const target = await deps.state.getLinkTarget(claims.jti)
  if (!target || target.link.fileId !== claims.fid) {
    throw new FuselinkError('invalid_token', 'The link does not match any issued link.')
  }
  const tokenExpiry = claims.exp * 1000
  return tokenExpiry < target.link.expiresAt ? { ...target, link: { ...target.link, expiresAt: tokenExpiry } } : target
}

/**
 * Starts a transfer row for bytes start..start+length-1 and reserves its
 * first chunk; returns the row's id and that chunk, or throws the refusal.
 * With `whole`, the body is already in hand and goes out in one write: the
 * row is settled as sent in the same step.
 */
async function admit(deps: DownloadDeps, target: LinkTarget, mode: DownloadMode, start: number, length: number, whole = false) {
  const { link, file } = target
  const now = deps.clock.now()
  const grant = Math.min(length, FIRST_GRANT)
  const base = {
    linkId: link.id,
    start,
    length,
    grant,
    now,
    leaseUntil: now + TRANSFER_LEASE_MS,
    resumeGrace: deps.resumeGrace,
    ...(whole ? { sent: length } : {}),
  }

  if (mode === 'resume') {
    for (let trims = 0; ; trims++) {
      const id = newOrderedId(now)
      if (await deps.state.startTransfer({ ...base, id, mode })) return { id, grant, mode }
      if (trims === MAX_TRIMS || !(await deps.state.makeRoom(link.id, start, giveBackCap(file.size)))) break
    }
  }
  // A fresh download; or a resume too big for what is left, which may still
  // be served as a new download if the link has one left.
  const id = newOrderedId(now)
  if (await deps.state.startTransfer({ ...base, id, mode: 'fresh' })) return { id, grant, mode: 'fresh' as const }
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
  if (!request.consume) return { status, target, etag, start, end, body: null, metered: null, ended: Promise.resolve() }

  const length = end - start + 1
  const asked = status === 206 ? { start, end } : undefined

  // A body that fits in one read is read before anything is counted, then
  // counted and settled in one step: it goes to the response in one write,
  // which is what a meter would count the moment it passed it on.
  let object: StoredObject | null = null
  if (length <= WHOLE_BODY) {
    object = await read(deps, file.objectKey, asked, async () => {})
    if ('bytes' in object) {
      if (object.bytes.byteLength !== length) {
        throw new FuselinkError('storage_unavailable', 'Storage answered with another size; nothing was counted.')
      }
      const admitted = await admit(deps, target, decision.mode, start, length, true)
      request.observer?.started(link, admitted.mode)
      const ended = Promise.resolve(request.observer?.ended(link, length, true))
      return { status, target, etag, start, end, body: object.bytes, metered: null, ended }
    }
  }

  const client = request.client ?? ''
  let transfer: Awaited<ReturnType<typeof admit>>
  try {
    // Past the caps of transfers streaming at once: refused before anything
    // is counted; one admitted meanwhile fails before its first byte (rule 4).
    if (deps.live && !deps.live.hasRoom(link.id, client)) throw tooMany()
    transfer = await admit(deps, target, decision.mode, start, length)
  } catch (error) {
    if (object) await discard(object)
    throw error
  }
  const leave = deps.live ? deps.live.enter(link.id, client) : () => {}
  if (!leave) {
    if (object) await discard(object)
    await deps.state.cancelTransfer(transfer.id)
    throw tooMany()
  }
  object ??= await read(deps, file.objectKey, asked, async () => {
    leave()
    await deps.state.cancelTransfer(transfer.id)
  })
  request.observer?.started(link, transfer.mode)
  const told = (sent: number) => () => request.observer?.ended(link, sent, sent >= length)
  const stored = 'bytes' in object ? sourceOfBytes(object.bytes) : 'source' in object ? object.source : sourceOfStream(object.body)
  const source = exactly(stored, length)
  const grants = new TransferGrants(deps, { id: transfer.id, linkId: link.id, length, cap: giveBackCap(file.size) }, transfer.grant)
  let renewAt = deps.clock.now() + LEASE_RENEW_MS
  const metered = new MeteredBody(
    source,
    {
      allow: (total) => grants.allow(total),
      // Storage failing before the first byte consumes nothing (docs/counting.md, rule 4).
      end: (sent, how) =>
        (how === 'failed' && sent === 0 && length > 0
          ? deps.state.cancelTransfer(transfer.id)
          : deps.state.settleTransfer(transfer.id, sent)
        ).then(told(sent)),
      progress: () => {
        const at = deps.clock.now()
        if (at < renewAt) return
        renewAt = at + LEASE_RENEW_MS
        void deps.state.renewTransfer(transfer.id, at + TRANSFER_LEASE_MS).catch(() => {})
      },
    },
    { stallMs: deps.stallTimeout ?? 0 },
  )
  const ended = metered.ended.finally(leave)
  return { status, target, etag, start, end, body: metered.stream(), metered, ended }
}
