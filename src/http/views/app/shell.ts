import { html, raw } from 'hono/html'
import { logoSvg } from '../../../core/ui/icons'
import { assetPath } from '../../assets/paths'
import { PAGE_STYLE } from '../layout'
import { accountScreen, filesScreen, keysScreen, linksScreen, usersScreen } from './lists'
import { icon } from './parts'
import { type ShareOptions, shareScreen } from './share'
import { type SignInOptions, signInView } from './signin'

const NAV = [
  { screen: 'share', label: 'Share', icon: 'upload' },
  { screen: 'links', label: 'Links', icon: 'link' },
  { screen: 'files', label: 'Files', icon: 'files' },
  { screen: 'keys', label: 'Keys', icon: 'key' },
  { screen: 'users', label: 'People', icon: 'users', admin: true },
  { screen: 'account', label: 'Account', icon: 'user' },
] as const

/**
 * The app at `/`: the sign-in form and every screen, rendered here, shown by
 * src/web/app.ts once it knows who is signed in (GET /api/v1/me). Nothing in
 * it is specific to a person; data arrives through /api/v1 like any client's.
 */
export function appPage(options: ShareOptions & SignInOptions) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>fuselink</title>
<style>${raw(PAGE_STYLE)}</style>
<link rel="stylesheet" href="${assetPath('app.css')}">
<script src="${assetPath('app.js')}" defer></script>
</head>
<body class="app booting" data-max-link-ttl="${options.maxLinkTtl}" data-max-upload-bytes="${options.maxUploadBytes}">
<noscript><main><div class="card"><h1>fuselink needs JavaScript</h1><p>This app needs JavaScript to sign in and upload. Links people send you work without it.</p></div></main></noscript>
${signInView(options)}
<div id="app-view" hidden>
<a class="skip-link" href="#content">Skip to content</a>
<header class="topbar">
<div class="topbar-inner">
<a class="brand" href="#/share">${raw(logoSvg(28))}<span>fuselink</span></a>
<nav aria-label="Main">
<ul>
${NAV.map(
  (item) =>
    html`<li${'admin' in item ? raw(' class="admin-only"') : ''}><a href="#/${item.screen}" data-nav="${item.screen}">${icon(item.icon, 18)}<span>${item.label}</span></a></li>`,
)}
</ul>
</nav>
</div>
</header>
<main id="content" class="content" tabindex="-1">
${shareScreen(options)}
${linksScreen()}
${filesScreen()}
${keysScreen()}
${usersScreen()}
${accountScreen()}
<section id="screen-forbidden" class="screen" data-screen="forbidden" aria-labelledby="forbidden-title" hidden>
<div class="card problem-card"><h1 id="forbidden-title" tabindex="-1">This page is for administrators</h1><p class="muted">Your account cannot see it. <a href="#/share">Back to sharing</a></p></div>
</section>
</main>
</div>
<div class="toast" id="toast" role="status" aria-live="polite"></div>
<dialog id="confirm" class="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
<form method="dialog">
<h2 id="confirm-title"></h2>
<p id="confirm-text"></p>
<div class="actions"><button value="cancel" class="secondary" id="confirm-cancel">Cancel</button><button value="ok" class="danger" id="confirm-ok"></button></div>
</form>
</dialog>
<dialog id="qr-dialog" class="dialog" aria-labelledby="qr-title">
<form method="dialog">
<h2 id="qr-title">Scan to open the link</h2>
<div id="qr-image" class="qr-frame"></div>
<p class="muted small" id="qr-caption"></p>
<div class="actions"><button value="close" class="secondary">Close</button></div>
</form>
</dialog>
</body>
</html>`
}
