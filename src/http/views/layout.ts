import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'

// Inline styles only, no scripts and nothing from another origin: the pages
// work without JavaScript and under a strict Content-Security-Policy.
const STYLE = `
:root{color-scheme:light dark;--fg:#1b1d21;--muted:#5b6170;--bg:#f6f7f9;--card:#fff;--accent:#2355d8;--line:#dde1e8}
@media (prefers-color-scheme:dark){:root{--fg:#e9ebef;--muted:#a3a9b6;--bg:#14161a;--card:#1d2026;--accent:#7aa2ff;--line:#2d313a}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:34rem;margin:8vh auto;padding:0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
h1{font-size:1.35rem;margin:0 0 .75rem;overflow-wrap:anywhere}
p{margin:.5rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:1rem 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
button{font:inherit;font-weight:600;width:100%;padding:.8rem 1rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
.muted{color:var(--muted);font-size:.9rem}
footer{margin-top:1rem;text-align:center}
`

/** The Content-Security-Policy of every page: inline style only, no script, no framing. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

export function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
${body}
<footer class="muted">Shared with fuselink</footer>
</main>
</body>
</html>`
}
