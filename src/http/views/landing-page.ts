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
    filename: string
    contentType: string
    /** Who shared it (a user's name or a key's); null when unknown. */
    sender: string | null
    /** The sender's words for this link; null when none. */
    message: string | null
  } | null
  size: number
  expiresAt: number
  now: number
  remaining: number
  maxDownloads: number
}

/** A time in UTC for everyone, and in the viewer's own zone beside it when that differs (src/web/recipient-page.ts). */
export function timeWithLocal(at: number, id: string) {
  return html`<time datetime="${new Date(at).toISOString()}" data-local="${id}">${utcTime(at)}</time>`
}

export const localLine = (id: string) => html`<span id="${id}" class="muted small" hidden></span>`

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
  const kind = shown ? fileKind(shown.filename, shown.contentType) : null
  return page(
    'A file has been shared with you',
    html`<div class="card">
<div class="file-head">
${raw(fileIconSvg(kind, 44))}
<div>
<p class="eyebrow">${shown?.sender ? html`<span class="sender">${shown.sender}</span> shared a file with you` : 'A file has been shared with you'}</p>
<h1 id="file-name">${shown?.filename ?? 'A file'}</h1>
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
<button type="submit" aria-describedby="file-name">${raw(iconSvg('download'))}<span>Download</span></button>
</form>
<p class="fine muted small">Each download counts against the link's limit. If a download is interrupted, your browser or download manager can resume it without using another.</p>
</div>`,
  )
}
