import type { MultipartStore, ObjectStore, UploadStore } from '../ports'
import type { RecordStore } from '../ports/records'

/** Uploads removed per run: the next run (a minute later) takes the rest. */
const BATCH = 100
/** A multipart upload no row names is left alone this long: its row may be a moment from being written. */
export const ORPHAN_GRACE_MS = 3600_000
/** Where every upload's object goes (`files/<fileId>`), and so where leftovers are looked for. */
const UPLOAD_PREFIX = 'files/'

export interface UploadSweepResult {
  /** Uploads past their time (or of a closed request) removed with their parts. */
  expiredUploads: number
  /** Multipart uploads storage held that no upload named, aborted. */
  leftoversAborted: number
}

type SweepState = Pick<UploadStore, 'expiredUploads' | 'dropUpload' | 'knownHandles'> & Pick<RecordStore, 'getFile'>
type SweepObjects = Pick<MultipartStore, 'abortMultipart' | 'listMultipartUploads'> & Pick<ObjectStore, 'delete'>

/**
 * Removes unfinished uploads whose time ran out, parts and all, and gives
 * their place back to their upload request; then aborts the multipart
 * uploads storage still holds that no upload names (a start that died
 * between storage and the database). Run by the Node entry's timer and the
 * Worker's cron (docs/uploads.md, "Expiry and cleanup"). One failure does not
 * stop the rest: it is retried on the next run.
 */
export async function sweepUploads(
  state: SweepState,
  objects: SweepObjects,
  now: number,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<UploadSweepResult> {
  let expiredUploads = 0
  for (const upload of await state.expiredUploads(now, BATCH)) {
    try {
      if (upload.handle !== null) await objects.abortMultipart(upload.objectKey, upload.handle)
      if (await state.dropUpload(upload.id)) expiredUploads++
      // Joined in storage by a completion that never recorded its file: the
      // object belongs to nobody (files/<fileId> is this upload's alone).
      if ((await state.getFile(upload.fileId)) === null) await objects.delete(upload.objectKey)
    } catch (error) {
      log('upload sweep failed', { upload: upload.id, error: String(error) })
    }
  }

  let leftoversAborted = 0
  try {
    const pending = await objects.listMultipartUploads(UPLOAD_PREFIX, 1000)
    const known = await state.knownHandles(pending.map((entry) => entry.handle))
    for (const entry of pending) {
      if (known.has(entry.handle) || entry.startedAt > now - ORPHAN_GRACE_MS) continue
      await objects.abortMultipart(entry.key, entry.handle)
      leftoversAborted++
    }
  } catch (error) {
    log('upload leftovers sweep failed', { error: String(error) })
  }
  return { expiredUploads, leftoversAborted }
}
