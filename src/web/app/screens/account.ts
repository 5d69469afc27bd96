import { ApiError, call, sentence } from '../api'
import { byId } from '../dom'
import { toast } from '../feedback'
import { type Me, signOut, signOutEverywhere } from '../session'

/** The signed-in person: who, change the password, sign out here or everywhere. */
export function mountAccount(me: () => Me, signedOut: (note: string) => void) {
  const form = byId<HTMLFormElement>('password-form')
  const current = byId<HTMLInputElement>('password-current')
  const fresh = byId<HTMLInputElement>('password-new')
  const again = byId<HTMLInputElement>('password-again')
  const error = byId('password-error')

  const fail = (text: string, field: HTMLInputElement) => {
    error.textContent = text
    field.focus()
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.textContent = ''
    if (!current.value) return fail('Enter your current password.', current)
    if (fresh.value.length < 10) return fail('The new password needs at least 10 characters.', fresh)
    if (fresh.value !== again.value) return fail('The two new passwords are not the same.', again)
    try {
      await call('POST', 'api/v1/me/password', { current: current.value, new: fresh.value }, { credentialsCheck: true })
      form.reset()
      toast('Your password is changed. Your other sessions have ended.')
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'wrong_password') fail('The current password is not right.', current)
      else error.textContent = sentence(caught)
    }
  })

  async function leave(everywhere: boolean): Promise<void> {
    try {
      await (everywhere ? signOutEverywhere() : signOut())
      signedOut(everywhere ? 'You are signed out on every device.' : 'You are signed out.')
    } catch (caught) {
      toast(sentence(caught))
    }
  }
  byId('sign-out').addEventListener('click', () => void leave(false))
  byId('sign-out-everywhere').addEventListener('click', () => void leave(true))

  return {
    show() {
      byId('account-name').textContent = me().name
      byId('account-role').textContent = me().role === 'admin' ? 'Admin' : 'User'
      form.reset()
      error.textContent = ''
    },
  }
}
