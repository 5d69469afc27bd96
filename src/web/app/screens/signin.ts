import { ApiError, sentence } from '../api'
import { byId, showError } from '../dom'
import { type Me, signIn } from '../session'

/** The sign-in form: POST /api/v1/sessions, then the app. */
export function mountSignIn(signedIn: (me: Me) => void) {
  const form = byId<HTMLFormElement>('signin-form')
  const username = byId<HTMLInputElement>('signin-username')
  const password = byId<HTMLInputElement>('signin-password')
  const error = byId('signin-error')
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    showError(error, '')
    if (!username.value.trim() || !password.value) {
      showError(error, 'Enter your username and your password.')
      ;(username.value.trim() ? password : username).focus()
      return
    }
    submit.disabled = true
    try {
      const me = await signIn(username.value.trim(), password.value)
      password.value = ''
      signedIn(me)
    } catch (caught) {
      const refused = caught instanceof ApiError && caught.status === 401
      showError(error, refused ? 'That username and password do not match. Check them and try again.' : sentence(caught))
      password.select()
      password.focus()
    } finally {
      submit.disabled = false
    }
  })

  return {
    /** Shows the form, with a note when a session has just ended. */
    show(note: string | null) {
      byId('signin-note').textContent = note ?? 'Share files through links that expire.'
      byId('signin-note').classList.toggle('note-warn', note !== null)
      showError(error, '')
      username.focus()
    },
  }
}
