import { html } from 'hono/html'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/password'
import { page } from './layout'

// The pages of the first start and of an invite: plain forms that post back
// to their own address, working without JavaScript.

const passwordField = (label: string) => html`<label for="password">${label}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}">
<p class="muted small">At least ${PASSWORD_MIN_LENGTH} characters.</p>`

const problem = (error: string | null) => (error ? html`<p class="error" role="alert">${error}</p>` : '')

export interface SetupView {
  /** What was typed, to keep it when the form comes back with an error. */
  username: string
  error: string | null
}

/** The setup link's page: the first admin chooses a username and a password. */
export function setupPage(view: SetupView) {
  return page(
    'Set up fuselink',
    html`<div class="card">
<h1>Set up fuselink</h1>
<p>Choose the username and password of the first administrator.</p>
${problem(view.error)}
<form method="post" class="stack">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required minlength="3" maxlength="64" pattern="[A-Za-z0-9._\\-]{3,64}" value="${view.username}">
<p class="muted small">3 to 64 letters, digits, ".", "_" or "-".</p>
${passwordField('Password')}
<button type="submit">Create the administrator</button>
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
  return page(
    'Choose your password',
    html`<div class="card">
<h1>Welcome, ${view.username}</h1>
<p>Choose a password to finish setting up your account.</p>
${problem(view.error)}
<form method="post" class="stack">
<input type="text" name="username" autocomplete="username" value="${view.username}" hidden readonly>
${passwordField('New password')}
<button type="submit">Set password and sign in</button>
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

/** A setup or invite link that was used, has expired, or no longer applies (answered 410). */
export function linkGonePage(kind: keyof typeof GONE) {
  const [title, sentence] = GONE[kind]
  return page(
    title,
    html`<div class="card" role="alert">
<h1>${title}</h1>
<p>${sentence}</p>
<p><a href="/">Go to sign-in</a></p>
</div>`,
  )
}

/** A setup or invite link that this service did not sign (answered 403). */
export function linkInvalidPage() {
  return page(
    'This link is not valid',
    html`<div class="card" role="alert">
<h1>This link is not valid</h1>
<p>Check that you copied the whole address.</p>
</div>`,
  )
}
