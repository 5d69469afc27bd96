import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { ASSETS } from '../assets/bundle.generated'
import { assetPath } from '../assets/paths'

// Inline styles, one hashed inline script and nothing from another origin:
// the pages work without JavaScript and under a strict Content-Security-Policy.
const LOCAL_TIME = ASSETS['local-time.js']!
export const PAGE_STYLE = `
:root{color-scheme:light dark;--fg:#1b1d21;--muted:#545b69;--bg:#f4f5f8;--card:#fff;--accent:#1f4fd1;--accent-fg:#fff;--line:#dde1e8}
@media (prefers-color-scheme:dark){:root{--fg:#e9ebef;--muted:#a9afbb;--bg:#121418;--card:#1c1f25;--accent:#8fb0ff;--accent-fg:#0b1530;--line:#2d313a}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:34rem;margin:0 auto;padding:8vh 1rem 2rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
.eyebrow{margin:0 0 .25rem;color:var(--muted);font-size:.95rem}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem;overflow-wrap:anywhere}
p{margin:.5rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:0 0 1.25rem}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.muted{color:var(--muted)}
.small{font-size:.9rem}
button{font:inherit;font-weight:600;width:100%;min-height:3rem;padding:.8rem 1rem;border:0;border-radius:8px;background:var(--accent);color:var(--accent-fg);cursor:pointer}
button:hover{filter:brightness(1.08)}
button:focus-visible{outline:3px solid var(--fg);outline-offset:3px}
.status{font-variant-numeric:tabular-nums}
footer{margin-top:1rem;text-align:center;font-size:.85rem}
@media (max-width:24rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}}
`

/**
 * The Content-Security-Policy of every response: inline style, scripts from
 * /assets/ or inlined by hash, requests, forms and images only to this
 * origin, no framing, nothing else from anywhere.
 */
export const PAGE_CSP = `default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self' '${LOCAL_TIME.integrity}'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`

// What link unfurlers (Slack, Teams, iMessage, mail previews) show: the same
// for every link, so that a preview never reveals the file name.
const PREVIEW_TITLE = 'A file has been shared with you'
const PREVIEW_TEXT = 'Open the link to see the file and download it.'

export interface PageOptions {
  /** Include the script that shows times in the viewer's time zone. */
  localTime?: boolean
  /** Scripts of src/web/ to load, by their asset name (upload-request.js). */
  scripts?: string[]
  /** Style rules of this page alone, after the shared ones. */
  style?: string
  /** What link previews show instead of the shared-file text: the same for every page of its kind. */
  preview?: { title: string; text: string }
}

/** A whole page. `title` goes only into <title>; previews get the generic text above. */
export function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>, options: PageOptions = {}) {
  const preview = options.preview ?? { title: PREVIEW_TITLE, text: PREVIEW_TEXT }
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow, noarchive">
<meta name="referrer" content="no-referrer">
<meta name="description" content="${preview.text}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="fuselink">
<meta property="og:title" content="${preview.title}">
<meta property="og:description" content="${preview.text}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${preview.title}">
<title>${title}</title>
<style>${raw(PAGE_STYLE)}${raw(options.style ?? '')}</style>
</head>
<body>
<main>
${body}
<footer class="muted">Shared with fuselink</footer>
</main>
${options.localTime ? html`<script>${raw(LOCAL_TIME.body)}</script>` : ''}
${(options.scripts ?? []).map((name) => html`<script src="${assetPath(name)}" defer></script>`)}
</body>
</html>`
}
