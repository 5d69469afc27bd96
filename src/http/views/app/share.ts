import { html } from 'hono/html'
import { humanSize } from '../../../core/ui/human'
import { field, formError, icon, screen } from './parts'

/** What the link form offers; the server knows its own limits. */
export interface ShareOptions {
  maxLinkTtl: number
  maxUploadBytes: number
  /** Whether links without a download limit are accepted (`maxDownloads: null`). */
  unlimited: boolean
}

const EXPIRY_PRESETS = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
]
const DOWNLOAD_PRESETS = [1, 3, 10]

/** The presets the service allows: only those within MAX_LINK_TTL; the default is 7 days, or the longest allowed. */
export function expiryPresets(maxLinkTtl: number) {
  const allowed = EXPIRY_PRESETS.filter((preset) => preset.seconds <= maxLinkTtl)
  const preferred = allowed.find((preset) => preset.seconds === 7 * 86_400) ?? allowed.at(-1)
  return allowed.map((preset) => ({ ...preset, checked: preset === preferred }))
}

function choice(group: string, value: string, label: string, checked: boolean) {
  const id = `${group}-${value}`
  return html`<input type="radio" name="${group}" id="${id}" value="${value}"${checked ? ' checked' : ''}><label for="${id}">${label}</label>`
}

/** The settings of new links: how long, how many downloads, and the optional rest. */
function linkForm(options: ShareOptions) {
  const presets = expiryPresets(options.maxLinkTtl)
  return html`<form id="link-form" class="card link-form" novalidate hidden aria-labelledby="link-form-title">
<h2 id="link-form-title">Link settings</h2>
<p class="muted" id="link-form-for"></p>
<fieldset class="choice-group">
<legend>Expires after</legend>
<div class="segmented">
${presets.map((preset) => choice('expiry', String(preset.seconds), preset.label, preset.checked))}
${choice('expiry', 'custom', 'Custom', presets.length === 0)}
</div>
<div class="custom-row" id="expiry-custom-row" hidden>
<label class="visually-hidden" for="expiry-amount">Custom lifetime</label>
<input type="number" id="expiry-amount" min="1" step="1" value="2" inputmode="numeric">
<label class="visually-hidden" for="expiry-unit">Unit</label>
<select id="expiry-unit"><option value="m">minutes</option><option value="h">hours</option><option value="d" selected>days</option></select>
</div>
</fieldset>
<fieldset class="choice-group">
<legend>Downloads allowed</legend>
<div class="segmented">
${DOWNLOAD_PRESETS.map((n) => choice('downloads', String(n), String(n), n === 3))}
${options.unlimited ? choice('downloads', 'unlimited', 'Unlimited', false) : ''}
${choice('downloads', 'custom', 'Other', false)}
</div>
<div class="custom-row" id="downloads-custom-row" hidden>
<label class="visually-hidden" for="downloads-amount">Number of downloads</label>
<input type="number" id="downloads-amount" min="1" max="10000" step="1" value="2" inputmode="numeric">
</div>
</fieldset>
<details class="more-options" id="more-options">
<summary>More options <span class="muted">name, start time, password, message</span></summary>
${field('link-filename', 'File name the recipient sees', html`<input id="link-filename" maxlength="255" autocomplete="off" aria-describedby="link-filename-hint">`, 'Leave empty to use the file’s own name.', 'single-file-only')}
${field('link-not-before', 'Opens at', html`<input id="link-not-before" type="datetime-local" aria-describedby="link-not-before-hint">`, 'Before this time (your time zone) the link says when it opens. Leave empty to open now.')}
${field('link-password', 'Password', html`<input id="link-password" type="password" autocomplete="new-password" minlength="10" maxlength="1024" aria-describedby="link-password-hint">`, 'At least 10 characters. Send it another way than the link.')}
${field('link-message', 'Message to the recipient', html`<textarea id="link-message" rows="3" maxlength="500" aria-describedby="link-message-hint"></textarea>`, html`Shown on the download page with your name. <span id="link-message-count">500</span> characters left.`)}
</details>
${formError('link-error')}
<div class="actions">
<button type="submit" class="primary" id="link-submit">${icon('link')}<span>Create link</span></button>
<button type="button" class="ghost" id="link-cancel" hidden>Cancel</button>
</div>
</form>`
}

/** Drop or pick files, watch them upload, then make their links. */
export function shareScreen(options: ShareOptions) {
  return screen(
    'share',
    'Share files',
    'Upload files, choose how long and how many times they can be downloaded, and send the link.',
    html`<div class="results" id="link-results"></div>
<div class="dropzone" id="dropzone">
${icon('upload', 32)}
<p class="drop-title" id="drop-title">Drop files here</p>
<p class="muted drop-or">or</p>
<button type="button" class="secondary" id="choose-files">Choose files</button>
<input type="file" id="file-input" multiple class="visually-hidden" tabindex="-1" aria-hidden="true">
<p class="muted small">Up to ${humanSize(options.maxUploadBytes)} each.</p>
</div>
<ul class="uploads" id="upload-list" aria-label="Files to share"></ul>
${linkForm(options)}`,
  )
}
