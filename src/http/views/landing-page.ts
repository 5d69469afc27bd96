import { html, raw } from 'hono/html'
import { fileIconSvg } from '../../core/ui/file-icon'
import { fileKind } from '../../core/ui/file-kind'
import { humanSize, relativeTime, utcTime } from '../../core/ui/human'
import { iconSvg } from '../../core/ui/icons'
import { page } from './layout'

/** Marks the form's address: GET with it answers the page, only the POST downloads. */
export const FROM_PAGE = { name: 'via', value: 'page' } as const

/** What the page shows a person; a link previewer gets `visible: null`. */
export interface LandingView {
  token: string
  /** Null for link previewers: no name, type, sender or message reaches a preview. */
  visible: {
    /** Null for a password-protected link: its name is for those who have the password. */
    file: { filename: string; contentType: string } | null
    /** Who shared it (a username or a key's name); null when unknown. */
    sender: string | null
    /** The sender's words for this link; null when none. */
    message: string | null
  } | null
  size: number
  expiresAt: number
  now: number
  remaining: number
  maxDownloads: number
  /** The form asks for the link password. */
  passwordProtected: boolean
  /** The page comes back after a wrong password. */
  wrongPassword: boolean
}

/** A time in UTC for everyone, and in the viewer's own zone beside it when that differs (src/web/recipient-page.ts). */
export function timeWithLocal(at: number, id: string) {
  return html`<time datetime="${new Date(at).toISOString()}" data-local="${id}">${utcTime(at)}</time>`
}

export const localLine = (id: string) => html`<span id="${id}" class="muted small" hidden></span>`

function passwordField(wrong: boolean) {
  return html`<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="off" required aria-describedby="password-hint"${wrong ? raw(' aria-invalid="true"') : ''}>
${
  wrong
    ? html`<p class="field-error" id="password-hint" role="alert">That password is not right. Nothing was counted; try again.</p>`
    : html`<p class="hint" id="password-hint">The sender protected this link. They give the password separately.</p>`
}
</div>`
}

/**
 * The page a recipient opens. It never consumes: the only way to the file
 * is the form, which POSTs, and link scanners do not submit forms; a GET of
 * the form's address answers this page again. The title and preview tags are
 * generic so that unfurlers do not leak the file name. With JavaScript, the
 * page says the download started and shows the new count (the form still
 * POSTs as it does without).
 */
export function landingPage(view: LandingView) {
  const shown = view.visible
  const file = shown?.file ?? null
  const kind = file ? fileKind(file.filename, file.contentType) : null
  const heading = file?.filename ?? (view.passwordProtected && shown ? 'A protected file' : 'A file')
  return page(
    'A file has been shared with you',
    html`<div class="card">
<div class="file-head">
${view.passwordProtected && !file ? html`<span class="lock-icon">${raw(iconSvg('lock', 24))}</span>` : raw(fileIconSvg(kind, 44))}
<div>
<p class="eyebrow">${shown?.sender ? html`<span class="sender">${shown.sender}</span> shared a file with you` : 'A file has been shared with you'}</p>
<h1 id="file-name">${heading}</h1>
${kind ? html`<p class="kind muted small">${kind.label}</p>` : ''}
</div>
</div>
${
  shown?.message
    ? html`<figure class="message">
<blockquote><p>${shown.message}</p></blockquote>
${shown.sender ? html`<figcaption class="from">— ${shown.sender}</figcaption>` : ''}
</figure>`
    : ''
}
<dl class="facts">
<dt>Size</dt>
<dd>${humanSize(view.size)}</dd>
<dt>Expires</dt>
<dd>${timeWithLocal(view.expiresAt, 'local-expiry')}, ${relativeTime(view.expiresAt - view.now)}<br>${localLine('local-expiry')}</dd>
<dt>Downloads left</dt>
<dd class="status" data-remaining="${view.remaining}" data-max="${view.maxDownloads}">${view.remaining} of ${view.maxDownloads}</dd>
</dl>
<form method="post" action="../d/${view.token}?${FROM_PAGE.name}=${FROM_PAGE.value}">
${view.passwordProtected ? passwordField(view.wrongPassword) : ''}
<button type="submit" aria-describedby="file-name">${raw(iconSvg('download'))}<span>Download</span></button>
</form>
<p class="fine muted small">Each download counts against the link's limit. If a download is interrupted, your browser or download manager can resume it without using another.</p>
</div>`,
  )
}
