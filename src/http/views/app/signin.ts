import { html, raw } from 'hono/html'
import { logoSvg } from '../../../core/ui/icons'
import { field, formError } from './parts'

/** Single sign-on on the sign-in page: the button's provider name, and why the last attempt failed, if it did. */
export interface SignInOptions {
  sso: { provider: string; failure: string | null } | null
}

/** What a signed-out visitor sees: the sign-in form, and "Sign in with …" when single sign-on is set up. */
export function signInView(options: SignInOptions) {
  return html`<div id="signin-view" class="signin-view" hidden>
<main class="signin">
<p class="brand signin-brand">${raw(logoSvg(36))}<span>fuselink</span></p>
<div class="card">
<h1 id="signin-title" tabindex="-1">Sign in</h1>
<p class="muted" id="signin-note">Share files through links that expire.</p>
<form id="signin-form" novalidate>
${field('signin-username', 'Username', html`<input id="signin-username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64">`)}
${field('signin-password', 'Password', html`<input id="signin-password" name="password" type="password" autocomplete="current-password" required maxlength="1024">`)}
${formError('signin-error')}
<button type="submit" class="primary wide">Sign in</button>
</form>
${options.sso ? ssoPart(options.sso) : ''}
</div>
</main>
</div>`
}

function ssoPart(sso: NonNullable<SignInOptions['sso']>) {
  return html`<p class="form-error" id="signin-sso-error" role="alert">${sso.failure ?? ''}</p>
<a class="sso-button" id="signin-sso" href="/sign-in/sso">Sign in with ${sso.provider}</a>`
}
