import { html } from 'hono/html'
import { humanSize } from './format'
import { page } from './layout'

export interface LandingView {
  token: string
  filename: string
  size: number
  expiresAt: number
  now: number
  remaining: number
}

function relative(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 1) return 'in less than a minute'
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `in ${hours} hours`
  return `in ${Math.round(hours / 24)} days`
}

/**
 * The page a recipient opens. It never consumes: the only way to the file
 * is the form, which POSTs, and link scanners do not submit forms. The title
 * is generic so that previews do not leak the file name.
 */
export function landingPage(view: LandingView) {
  const expires = new Date(view.expiresAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return page(
    'A file has been shared with you',
    html`<div class="card">
<h1>${view.filename}</h1>
<dl>
<dt>Size</dt><dd>${humanSize(view.size)}</dd>
<dt>Expires</dt><dd><time datetime="${new Date(view.expiresAt).toISOString()}">${expires}</time> (${relative(view.expiresAt - view.now)})</dd>
<dt>Downloads left</dt><dd>${view.remaining}</dd>
</dl>
<form method="post" action="../d/${view.token}">
<button type="submit">Download</button>
</form>
</div>`,
  )
}
