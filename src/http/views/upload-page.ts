import { html } from 'hono/html'
import { humanSize, relativeTime } from '../../core/ui/human'
import { localLine, timeWithLocal } from './landing-page'
import { page } from './layout'

// What link unfurlers show for every upload request: never its message.
const PREVIEW = { title: 'You have been asked for files', text: 'Open the link to send files.' }

const STYLE = `
.drop{position:relative;display:block;border:2px dashed var(--line);border-radius:12px;padding:1.25rem 1rem;text-align:center;cursor:pointer}
.drop:hover,.drop.over,.drop:focus-within{border-color:var(--accent)}
.drop input{position:absolute;width:1px;height:1px;min-height:0;padding:0;opacity:0;overflow:hidden}
.drop .pick{display:inline-block;font-weight:600;padding:.6rem 1.2rem;border-radius:10px;background:var(--accent);color:var(--accent-fg)}
.drop:focus-within .pick{outline:3px solid var(--accent);outline-offset:2px}
.drop .or{display:block;margin-top:.5rem}
#queue{list-style:none;margin:1rem 0 0;padding:0;display:grid;gap:.75rem}
#queue li{border:1px solid var(--line);border-radius:8px;padding:.75rem}
#queue .row{display:flex;gap:.75rem;align-items:baseline;justify-content:space-between}
#queue .name{font-weight:600;overflow-wrap:anywhere}
#queue progress{width:100%;height:.75rem;margin:.5rem 0 .25rem;accent-color:var(--accent)}
#queue button{width:auto;min-height:2.25rem;padding:.35rem .9rem;background:transparent;color:var(--accent);border:1px solid var(--line)}
#queue .done{color:var(--ok)}
#queue .failed{color:var(--danger)}
`

// Shown when uploads under way hold every place left (the page stays open for them to resume).
const NONE_LEFT = 'none beyond those being sent'

export interface UploadPageView {
  /** Null for link previewers, which get the page without the owner's words. */
  message: string | null
  filesLeft: number
  bytesLeft: number
  /** The largest file one upload may be: what is left of the request, within MAX_UPLOAD_BYTES. */
  maxFileBytes: number
  expiresAt: number
  now: number
}

/**
 * The page behind an upload request's link: the owner's message, what it
 * still takes, and an uploader (src/web/upload-request.ts) that sends each
 * file in parts with progress, and resumes after a reload.
 */
export function uploadPage(view: UploadPageView) {
  return page(
    'Send files',
    html`<div class="card">
<p class="eyebrow">You have been asked for files</p>
<h1>Send files</h1>
${view.message ? html`<div class="message"><p id="message">${view.message}</p></div>` : ''}
<dl>
<dt>Files</dt>
<dd class="status" id="files-left">${view.filesLeft > 0 ? `up to ${view.filesLeft} more` : NONE_LEFT}</dd>
<dt>Size</dt>
<dd class="status" id="bytes-left">${view.bytesLeft > 0 ? `up to ${humanSize(view.bytesLeft)} in all` : NONE_LEFT}</dd>
<dt>Open until</dt>
<dd>${timeWithLocal(view.expiresAt, 'local-expiry')}, ${relativeTime(view.expiresAt - view.now)}<br>${localLine('local-expiry')}</dd>
</dl>
<form id="uploader" data-max-file-bytes="${view.maxFileBytes}" data-files-left="${view.filesLeft}" data-bytes-left="${view.bytesLeft}">
<label class="drop" id="drop"><span class="pick">Choose files</span> <span class="or muted">or drop them here</span>
<input type="file" id="files" name="files" multiple>
</label>
</form>
<noscript><p>This page needs JavaScript to send files.</p></noscript>
<p class="muted small" id="resume-note" hidden></p>
<ul id="queue" aria-live="polite"></ul>
<p class="muted small">Large files go up in parts: if the connection drops or you reload this page, choose the same file again and only what is missing is sent.</p>
</div>`,
    { scripts: ['upload-request.js'], style: STYLE, preview: PREVIEW },
  )
}
