import { onSessionLost } from './api'
import { byId } from './dom'
import { mountAccount } from './screens/account'
import { mountFiles } from './screens/files'
import { mountLinks } from './screens/links'
import { mountKeys, mountUsers } from './screens/people'
import { mountShare } from './screens/share'
import { mountSignIn } from './screens/signin'
import { currentUser, type Me } from './session'

/*
 * The app at /: signed out, the sign-in form; signed in, one screen at a
 * time by the address's fragment (#/links), each loading its data from
 * /api/v1 when shown. A 401 from any call means the session ended: back to
 * the sign-in form, and to the same screen after signing in again.
 */

interface Screen {
  show(): unknown
}

const TITLES: Record<string, string> = {
  share: 'Share files',
  links: 'Links',
  files: 'Files',
  keys: 'API keys',
  users: 'People',
  account: 'Account',
  forbidden: 'Not allowed',
}

export async function startApp(): Promise<void> {
  const body = document.body
  let me: Me | null = null
  const current = () => me!

  const go = (screen: string) => {
    if (location.hash === `#/${screen}`) route()
    else location.hash = `#/${screen}`
  }
  const signInView = mountSignIn((who) => enter(who))
  const share = mountShare(go)
  const screens: Record<string, Screen> = {
    share,
    links: mountLinks(share),
    files: mountFiles(share),
    keys: mountKeys(current),
    users: mountUsers(() => display('forbidden')),
    account: mountAccount(current, (note) => leave(note)),
    forbidden: { show() {} },
  }

  function display(name: string, focus = true): void {
    for (const section of document.querySelectorAll<HTMLElement>('.screen')) section.hidden = section.dataset.screen !== name
    for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
      if (link.dataset.nav === name) link.setAttribute('aria-current', 'page')
      else link.removeAttribute('aria-current')
    }
    document.title = `${TITLES[name]} · fuselink`
    if (focus) byId(`${name}-title`).focus({ preventScroll: false })
  }

  let first = true
  function route(): void {
    if (!me) return
    const name = location.hash.replace(/^#\/?/, '') || 'share'
    const screen = name in screens && name !== 'forbidden' ? name : 'share'
    display(screen, !first)
    first = false
    void screens[screen]!.show()
  }

  function enter(who: Me): void {
    me = who
    body.classList.remove('booting', 'role-admin', 'role-user')
    body.classList.add(`role-${who.role}`)
    byId('signin-view').hidden = true
    byId('app-view').hidden = false
    first = true
    route()
  }

  function leave(note: string | null): void {
    me = null
    body.classList.remove('booting')
    byId('app-view').hidden = true
    byId('signin-view').hidden = false
    document.title = 'Sign in · fuselink'
    signInView.show(note)
  }

  onSessionLost(() => {
    if (me) leave('Your session has ended. Sign in again to continue.')
  })
  window.addEventListener('hashchange', route)

  try {
    const who = await currentUser()
    if (who) enter(who)
    else leave(null)
  } catch {
    leave('The service cannot be reached right now. Try again in a moment.')
  }
}
