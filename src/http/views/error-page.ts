import { html } from 'hono/html'
import type { ErrorCode, FuselinkError } from '../../core/errors'
import { page } from './layout'

// One plain sentence per recipient error: what happened and what to do. No
// detail from the error itself, so no internals ever reach the page.
const SENTENCES: Partial<Record<ErrorCode, string>> = {
  invalid_token: 'This link is not valid. Check that you copied the whole address.',
  link_not_yet_valid: 'This link is not active yet. Try again later.',
  link_expired: 'This link has expired. Ask the sender for a new one.',
  link_revoked: 'The sender has withdrawn this link.',
  download_limit_reached: 'This link has been used as many times as the sender allowed. Ask the sender for a new one.',
  file_gone: 'The file behind this link has been deleted.',
  range_not_satisfiable: 'The requested part of the file does not exist.',
  rate_limited: 'Too many failed attempts from your network. Wait a minute and try again.',
  storage_unavailable: 'The file cannot be reached right now. Nothing was counted; try again in a moment.',
  not_found: 'There is nothing at this address.',
  upload_request_closed: 'This upload link takes no more files.',
}

// Why an upload request takes no more files (the problem's `requestStatus`).
const CLOSED: Record<string, string> = {
  expired: 'This upload link has expired. Ask the person who sent it for a new one.',
  revoked: 'The person who sent this upload link has closed it.',
  full: 'This upload link has received all the files it asked for.',
}

/** A plain page for a person: the status, one sentence, no download button, no internals. */
export function errorPage(error: FuselinkError) {
  const closed = error.code === 'upload_request_closed' ? CLOSED[String(error.extensions.requestStatus)] : undefined
  const sentence = closed ?? SENTENCES[error.code] ?? 'Something went wrong on our side. Try again later.'
  return page(
    error.title,
    html`<div class="card" role="alert">
<h1>${error.title}</h1>
<p>${sentence}</p>
<p class="muted small status">HTTP ${error.status}</p>
</div>`,
  )
}
