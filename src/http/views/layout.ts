import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { ASSETS } from '../assets/bundle.generated'

// Inline styles, one hashed inline script and nothing from another origin:
// the recipient pages work without JavaScript and under a strict
// Content-Security-Policy. The app at / adds its own script and stylesheet
// from /assets/ (same origin).
const RECIPIENT_SCRIPT = ASSETS['recipient-page.js']!

/** Colours, type and the parts every page shares; light and dark by the viewer's setting. */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--fg:#1b1d21;--muted:#545b69;--bg:#f4f5f8;--card:#fff;--sunken:#f7f8fa;--accent:#1f4fd1;--accent-fg:#fff;--accent-soft:#e8eefc;--line:#dde1e8;--ok:#0a7a3d;--ok-soft:#e3f5ea;--warn:#8a5a00;--warn-soft:#fdf2dc;--danger:#b42318;--danger-soft:#fdecea;--shadow:0 1px 2px rgba(16,24,40,.05),0 10px 28px rgba(16,24,40,.06);--radius:14px}
@media (prefers-color-scheme:dark){:root{--fg:#e9ebef;--muted:#a9afbb;--bg:#121418;--card:#1c1f25;--sunken:#171a1f;--accent:#8fb0ff;--accent-fg:#0b1530;--accent-soft:#1b2750;--line:#2d313a;--ok:#6fdc9c;--ok-soft:#143222;--warn:#f3c76b;--warn-soft:#3a2d0f;--danger:#ff9e92;--danger-soft:#3d1915;--shadow:none}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:34rem;margin:0 auto;padding:8vh 1rem 2rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1.5rem;box-shadow:var(--shadow)}
.eyebrow{margin:0 0 .25rem;color:var(--muted);font-size:.95rem}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem;overflow-wrap:anywhere}
p{margin:.5rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:0 0 1.25rem}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.muted{color:var(--muted)}
.small{font-size:.9rem}
button{font:inherit;font-weight:600;width:100%;min-height:3rem;padding:.8rem 1rem;border:0;border-radius:10px;background:var(--accent);color:var(--accent-fg);cursor:pointer;display:inline-flex;align-items:center;justify-content:center;gap:.5rem}
button:hover{filter:brightness(1.08)}
button:disabled{opacity:.6;cursor:default;filter:none}
button:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
label{display:block;font-weight:600;margin:0 0 .35rem}
input,textarea,select{font:inherit;color:inherit;width:100%;min-height:2.9rem;padding:.6rem .75rem;border:1px solid var(--line);border-radius:10px;background:var(--sunken)}
input:focus,textarea:focus,select:focus{border-color:var(--accent)}
.status{font-variant-numeric:tabular-nums}
.brand{display:inline-flex;align-items:center;gap:.5rem;font-weight:700;letter-spacing:-.01em;color:var(--fg);text-decoration:none}
.brand svg{color:var(--accent)}
footer{margin-top:1.25rem;text-align:center;font-size:.85rem}
.ficon{flex:none;--c:#545b69;color:var(--c)}
.ficon-page{fill:var(--card);fill:color-mix(in srgb,var(--c) 9%,var(--card))}
.ficon text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.ficon.pdf,.ficon.presentation{--c:#c4320a}.ficon.image{--c:#7a3fd1}.ficon.video{--c:#c11574}.ficon.audio{--c:#b54708}.ficon.archive{--c:#8a6100}.ficon.spreadsheet{--c:#087443}.ficon.document{--c:#1f4fd1}.ficon.text{--c:#475467}.ficon.code{--c:#0e7090}
@media (prefers-color-scheme:dark){.ficon{--c:#a9afbb}.ficon.pdf,.ficon.presentation{--c:#ff9c7a}.ficon.image{--c:#c3a4ff}.ficon.video{--c:#ff8ccf}.ficon.audio{--c:#ffb86b}.ficon.archive{--c:#f3c76b}.ficon.spreadsheet{--c:#6fdc9c}.ficon.document{--c:#8fb0ff}.ficon.text{--c:#b5bbc7}.ficon.code{--c:#67d4ee}}
@media (max-width:24rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}}
`

/** The look of the recipient pages: the landing page and its error pages. */
const RECIPIENT_STYLE = `
.file-head{display:flex;gap:1rem;align-items:flex-start;margin-bottom:1.1rem}
.file-head h1{margin:0}
.file-head .kind{margin:.2rem 0 0}
.sender{font-weight:600;color:var(--fg)}
.message{margin:0 0 1.25rem;padding:.8rem 1rem;border-radius:10px;background:var(--sunken);border:1px solid var(--line)}
.message blockquote{margin:0}
.message p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.message .from{margin-top:.4rem;color:var(--muted);font-size:.9rem}
.facts{padding:1rem 0 0;border-top:1px solid var(--line)}
.field{margin:0 0 1rem}
.field input{background:var(--card)}
.hint{margin:.35rem 0 0;color:var(--muted);font-size:.9rem}
.fine{margin-top:1rem}
.notice{display:flex;gap:.75rem;align-items:flex-start;margin:0 0 1rem;padding:.85rem 1rem;border-radius:10px;background:var(--ok-soft);color:var(--fg)}
.notice svg{flex:none;color:var(--ok);margin-top:.1rem}
.notice p{margin:0}
.notice strong{display:block}
.notice.waiting{background:var(--accent-soft)}
.notice.waiting svg{color:var(--accent)}
.problem{text-align:center;padding:2rem 1.5rem}
.problem h1{margin:.9rem 0 .5rem}
.problem p{max-width:26rem;margin:.5rem auto}
.state-icon{display:inline-grid;place-items:center;width:3.5rem;height:3.5rem;border-radius:50%;background:var(--warn-soft);color:var(--warn)}
.state-icon.info{background:var(--accent-soft);color:var(--accent)}
.state-icon.stop{background:var(--danger-soft);color:var(--danger)}
.field-error{margin:.4rem 0 0;color:var(--danger);font-weight:600}
.lock-icon{display:inline-grid;place-items:center;flex:none;width:2.75rem;height:2.75rem;border-radius:12px;background:var(--accent-soft);color:var(--accent)}
input[aria-invalid="true"]{border-color:var(--danger)}
`

/**
 * The Content-Security-Policy of every response: inline style, scripts from
 * /assets/ or inlined by hash, requests, forms and images only to this
 * origin, no framing, nothing else from anywhere.
 */
export const PAGE_CSP = `default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self' '${RECIPIENT_SCRIPT.integrity}'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`

// What link unfurlers (Slack, Teams, iMessage, mail previews) show: the same
// for every link, so that a preview never reveals the file name.
const PREVIEW_TITLE = 'A file has been shared with you'
const PREVIEW_TEXT = 'Open the link to see the file and download it.'

type Body = HtmlEscapedString | Promise<HtmlEscapedString>

/**
 * A recipient page. `title` goes only into <title>; previews get the generic
 * text above. Its one script (src/web/recipient-page.ts) shows times in the
 * viewer's zone and follows a download the page started.
 */
export function page(title: string, body: Body) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow, noarchive">
<meta name="referrer" content="no-referrer">
<meta name="description" content="${PREVIEW_TEXT}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="fuselink">
<meta property="og:title" content="${PREVIEW_TITLE}">
<meta property="og:description" content="${PREVIEW_TEXT}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${PREVIEW_TITLE}">
<title>${title}</title>
<style>${raw(PAGE_STYLE)}${raw(RECIPIENT_STYLE)}</style>
</head>
<body>
<main>
${body}
<footer class="muted">Shared with fuselink</footer>
</main>
<script>${raw(RECIPIENT_SCRIPT.body)}</script>
</body>
</html>`
}
