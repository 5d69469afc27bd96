import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/password'
import { iconSvg, logoSvg } from '../../core/ui/icons'
import { assetPath } from '../assets/paths'
import { PAGE_STYLE } from './layout'

// The pages of the first start and of an invite: plain forms that post back
// to their own address and work without JavaScript, dressed as the app's
// sign-in (its stylesheet from /assets/, no script), since they lead into it.

type Body = HtmlEscapedString | Promise<HtmlEscapedString>

function accountPage(title: string, body: Body) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${title} · fuselink</title>
<style>${raw(PAGE_STYLE)}</style>
<link rel="stylesheet" href="${assetPath('app.css')}">
</head>
<body class="app">
<main class="signin">
<p class="brand signin-brand">${raw(logoSvg(36))}<span>fuselink</span></p>
${body}
</main>
</body>
</html>`
}

const passwordField = (label: string) => html`<div class="field">
<label for="password">${label}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least ${PASSWORD_MIN_LENGTH} characters.</p>
</div>`

const problem = (error: string | null) => (error ? html`<p class="form-error" role="alert">${error}</p>` : '')

export interface SetupView {
  /** What was typed, to keep it when the form comes back with an error. */
  username: string
  error: string | null
}

/** The setup link's page: the first admin chooses a username and a password. */
export function setupPage(view: SetupView) {
  return accountPage(
    'Set up',
    html`<div class="card">
<h1>Set up fuselink</h1>
<p class="muted intro">Choose the username and password of the first administrator. You can invite others once you are in.</p>
<form method="post">
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required minlength="3" maxlength="64" pattern="[A-Za-z0-9._\\-]{3,64}" value="${view.username}" aria-describedby="username-hint">
<p class="hint" id="username-hint">3 to 64 letters, digits, dots, dashes or underscores.</p>
</div>
${passwordField('Password')}
${problem(view.error)}
<button type="submit" class="primary wide">Create the administrator</button>
</form>
</div>`,
  )
}

export interface InviteView {
  username: string
  error: string | null
}

/** An invite's page: the user it names chooses a password. */
export function invitePage(view: InviteView) {
  return accountPage(
    'Choose your password',
    html`<div class="card">
<h1>Welcome, ${view.username}</h1>
<p class="muted intro">You were invited to share files with fuselink. Choose a password to finish your account; you sign in as <strong>${view.username}</strong>.</p>
<form method="post">
<input type="text" name="username" autocomplete="username" value="${view.username}" hidden readonly>
${passwordField('New password')}
${problem(view.error)}
<button type="submit" class="primary wide">Set password and sign in</button>
</form>
</div>`,
  )
}

const GONE = {
  setup: [
    'This setup link cannot be used',
    'It has expired, was already used, or fuselink is already set up. Restart the service for a new link, or sign in.',
  ],
  invite: ['This invite cannot be used', 'It has expired or was already used. Ask your administrator for a new invite, or sign in.'],
} as const

function refusal(title: string, sentence: string, signIn: boolean) {
  return accountPage(
    title,
    html`<div class="card problem-card" role="alert">
<span class="state-badge">${raw(iconSvg('alert', 28))}</span>
<h1>${title}</h1>
<p class="muted">${sentence}</p>
${signIn ? html`<p><a href="/">Go to sign-in</a></p>` : ''}
</div>`,
  )
}

/** A setup or invite link that was used, has expired, or no longer applies (answered 410). */
export function linkGonePage(kind: keyof typeof GONE) {
  const [title, sentence] = GONE[kind]
  return refusal(title, sentence, true)
}

/** A setup or invite link that this service did not sign (answered 403). */
export function linkInvalidPage() {
  return refusal('This link is not valid', 'Check that you copied the whole address.', false)
}
