import { html } from 'hono/html'
import { humanSize, relativeTime, utcTime } from './format'
import { page } from './layout'

/** Marks the form's address: GET with it answers the page, only the POST downloads. */
export const FROM_PAGE = { name: 'via', value: 'page' } as const

export interface LandingView {
  token: string
  /** Null for link previewers, which get the page without the name. */
  filename: string | null
  size: number
  expiresAt: number
  now: number
  remaining: number
  maxDownloads: number
  /** Who shared it (a username or a key's name); null for previewers, or when unknown. */
  senderName: string | null
  /** The sender's words to the recipient; null for previewers, or when none. */
  message: string | null
  /** The form asks for the link password. */
  passwordProtected: boolean
  /** The page comes back after a wrong password. */
  wrongPassword: boolean
}

/**
 * The page a recipient opens. It never consumes: the only way to the file
 * is the form, which POSTs, and link scanners do not submit forms; a GET of
 * the form's address answers this page again. The title and preview tags are
 * generic so that unfurlers do not leak the file name.
 */
export function landingPage(view: LandingView) {
  const iso = new Date(view.expiresAt).toISOString()
  return page(
    'A file has been shared with you',
    html`<div class="card">
<p class="eyebrow">A file has been shared with you</p>
<h1 id="file-name">${view.filename ?? 'A file'}</h1>
${view.senderName ? html`<p id="sender">Shared by <strong>${view.senderName}</strong></p>` : ''}
${view.message ? html`<blockquote id="message">${view.message}</blockquote>` : ''}
<dl>
<dt>Size</dt>
<dd>${humanSize(view.size)}</dd>
<dt>Expires</dt>
<dd><time datetime="${iso}" data-local="local-expiry">${utcTime(view.expiresAt)}</time>, ${relativeTime(view.expiresAt - view.now)}<br><span id="local-expiry" class="muted small" hidden></span></dd>
<dt>Downloads left</dt>
<dd class="status">${view.remaining} of ${view.maxDownloads}</dd>
</dl>
<form method="post" action="../d/${view.token}?${FROM_PAGE.name}=${FROM_PAGE.value}">
${
  view.passwordProtected
    ? html`${view.wrongPassword ? html`<p class="error" role="alert">That password is not right.</p>` : ''}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="off" required>`
    : ''
}
<button type="submit" aria-describedby="file-name">Download</button>
</form>
<p class="muted small">Each download counts against the link's limit. If a download is interrupted, your browser or download manager can resume it without using another.</p>
</div>`,
    { localTime: true },
  )
}
