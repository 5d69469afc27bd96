import { html } from 'hono/html'
import { field, formError, icon, listTable, screen } from './parts'

/** Every link the caller made (admins: everyone's), with live counters. */
export function linksScreen() {
  return screen(
    'links',
    'Links',
    'See how often your links were used, copy them again, change or revoke them.',
    html`<div class="toolbar">
<label for="links-filter">Show</label>
<select id="links-filter"><option value="active">Active links</option><option value="ended">Ended links</option><option value="all">All links</option></select>
<span class="owner-filter" id="links-owner-bar" hidden>
<label for="links-owner">Owner</label>
<select id="links-owner"><option value="">Everyone</option></select>
</span>
</div>
${listTable('links', 'Links', ['File', 'Status', 'Downloads', 'Expires', 'Last download'])}`,
  )
}

/** Files the caller uploaded (admins: everyone's, filtered by owner). */
export function filesScreen() {
  return screen(
    'files',
    'Files',
    'Files you uploaded. Deleting a file stops every link to it at once.',
    html`<div class="toolbar" id="files-owner-bar" hidden>
<label for="files-owner">Owner</label>
<select id="files-owner"><option value="">Everyone</option></select>
</div>
${listTable('files', 'Files', ['Name', 'Size', 'Uploaded', 'Links'])}`,
  )
}

/** API keys: a user's own; an admin's view covers every key. */
export function keysScreen() {
  return screen(
    'keys',
    'API keys',
    'Keys let programs and scripts use fuselink on your behalf. A key is shown once, when it is created.',
    html`<form id="key-form" class="card inline-form" novalidate aria-labelledby="key-form-title">
<h2 id="key-form-title">New key</h2>
<div class="form-row">
${field('key-name', 'Name', html`<input id="key-name" maxlength="100" required autocomplete="off" placeholder="e.g. backup script">`)}
${field('key-role', 'Role', html`<select id="key-role"><option value="user">User: own files and links</option><option value="admin">Admin: everything</option></select>`, undefined, 'admin-only')}
<div class="form-row-action"><button type="submit" class="primary">${icon('plus')}<span>Create key</span></button></div>
</div>
${formError('key-error')}
<div id="key-secret" class="secret" hidden></div>
</form>
${listTable('keys', 'API keys', ['Name', 'Role', 'Created', 'Status'])}`,
  )
}

/** People who may sign in (admins only). */
export function usersScreen() {
  return screen(
    'users',
    'People',
    'Invite people to share files. Disabling someone ends their sessions and stops their API keys.',
    html`<form id="user-form" class="card inline-form" novalidate aria-labelledby="user-form-title">
<h2 id="user-form-title">Invite someone</h2>
<div class="form-row">
${field('user-name', 'Username', html`<input id="user-name" maxlength="64" required autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="user-name-hint">`, '3 to 64 letters, digits, dots, dashes or underscores.')}
${field('user-role', 'Role', html`<select id="user-role"><option value="user">User</option><option value="admin">Admin</option></select>`)}
<div class="form-row-action"><button type="submit" class="primary">${icon('send')}<span>Create invite</span></button></div>
</div>
${formError('user-error')}
<div id="user-invite" class="secret" hidden></div>
</form>
${listTable('users', 'People', ['Username', 'Role', 'Created', 'Status'])}`,
  )
}

/** The signed-in person: password, sign out. */
export function accountScreen() {
  return screen(
    'account',
    'Account',
    'Your password and your sessions.',
    html`<div class="card account-card">
<p class="who-line">Signed in as <strong id="account-name"></strong> <span class="badge" id="account-role"></span></p>
<div class="actions">
<button type="button" class="secondary" id="sign-out">${icon('signOut')}<span>Sign out</span></button>
<button type="button" class="ghost" id="sign-out-everywhere">Sign out everywhere</button>
</div>
<p class="hint">Signing out everywhere ends your sessions on every device, this one included.</p>
</div>
<form id="password-form" class="card" novalidate aria-labelledby="password-form-title">
<h2 id="password-form-title">Change password</h2>
${field('password-current', 'Current password', html`<input id="password-current" type="password" autocomplete="current-password" required maxlength="1024">`)}
${field('password-new', 'New password', html`<input id="password-new" type="password" autocomplete="new-password" required minlength="10" maxlength="1024" aria-describedby="password-new-hint">`, 'At least 10 characters. Your other sessions end when it changes.')}
${field('password-again', 'New password again', html`<input id="password-again" type="password" autocomplete="new-password" required maxlength="1024">`)}
${formError('password-error')}
<div class="actions"><button type="submit" class="primary">Change password</button></div>
</form>`,
  )
}
