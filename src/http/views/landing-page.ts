import { html } from 'hono/html'
import { humanSize, relativeTime, utcTime } from './format'
import { page } from './layout'

export interface LandingView {
  token: string
  filename: string
  size: number
  expiresAt: number
  now: number
  remaining: number
  maxDownloads: number
}

/**
 * The page a recipient opens. It never consumes: the only way to the file
 * is the form, which POSTs, and link scanners do not submit forms. The title
 * and preview tags are generic so that unfurlers do not leak the file name.
 */
export function landingPage(view: LandingView) {
  const iso = new Date(view.expiresAt).toISOString()
  return page(
    'A file has been shared with you',
    html`<div class="card">
<p class="eyebrow">A file has been shared with you</p>
<h1 id="file-name">${view.filename}</h1>
<dl>
<dt>Size</dt>
<dd>${humanSize(view.size)}</dd>
<dt>Expires</dt>
<dd><time datetime="${iso}" data-local="local-expiry">${utcTime(view.expiresAt)}</time>, ${relativeTime(view.expiresAt - view.now)}<br><span id="local-expiry" class="muted small" hidden></span></dd>
<dt>Downloads left</dt>
<dd class="status">${view.remaining} of ${view.maxDownloads}</dd>
</dl>
<form method="post" action="../d/${view.token}">
<button type="submit" aria-describedby="file-name">Download</button>
</form>
<p class="muted small">Each download counts against the link's limit. If a download is interrupted, your browser or download manager can resume it without using another.</p>
</div>`,
    { localTime: true },
  )
}
