import { ApiError, call, sentence } from '../api'
import { copyText } from '../copy'
import { button, byId, h } from '../dom'
import { confirmAction, toast } from '../feedback'
import type { ApiKey, User } from '../model'
import type { Me } from '../session'
import { timeCell } from '../time'
import { listParts, loadList, tableRow } from './list'

/*
 * Keys (a person's own; an admin's view covers every key) and People (admins
 * invite and disable accounts). A new key and an invite link are shown once,
 * with a copy button.
 */

/** A secret shown once: the value, a copy button, and what to do with it. */
function secretBox(box: HTMLElement, title: string, value: string, label: string, hint: string): void {
  const field = h('input', {
    readonly: true,
    value,
    'aria-label': label,
    class: 'link-address',
    onfocus: (event) => (event.target as HTMLInputElement).select(),
  })
  const copy = button(
    'Copy',
    'copy',
    async () => {
      const ok = await copyText(value)
      toast(ok ? 'Copied.' : 'Copying was refused by the browser: select the text and copy it.')
    },
    'primary copy-button',
  )
  box.replaceChildren(h('p', {}, h('strong', {}, title)), h('div', { class: 'copy-row' }, field, copy), h('p', { class: 'hint' }, hint))
  box.hidden = false
  field.focus()
}

const statusOf = (disabledAt: string | null) =>
  disabledAt ? h('span', { class: 'badge neutral' }, 'Disabled') : h('span', { class: 'badge ok' }, 'Active')
const roleOf = (role: string) => h('span', { class: `badge ${role === 'admin' ? 'info' : 'plain'}` }, role === 'admin' ? 'Admin' : 'User')

export function mountKeys(me: () => Me) {
  const parts = listParts('keys')
  const form = byId<HTMLFormElement>('key-form')
  const name = byId<HTMLInputElement>('key-name')
  const role = byId<HTMLSelectElement>('key-role')
  const error = byId('key-error')
  const secret = byId('key-secret')

  const load = () =>
    loadList<ApiKey>(
      parts,
      'api/v1/keys',
      (keys) =>
        keys.map((key) =>
          tableRow(
            parts,
            [
              h(
                'span',
                {},
                h('span', { class: 'file-name' }, key.name),
                key.owner && key.owner.id !== me().id ? h('span', { class: 'at muted' }, `of ${key.owner.name}`) : null,
              ),
              roleOf(key.role),
              timeCell(key.createdAt),
              statusOf(key.disabledAt),
              key.disabledAt
                ? h('span')
                : h(
                    'div',
                    { class: 'row-actions' },
                    button('Disable', 'ban', () => void disable(key), 'ghost small danger-text', {
                      'aria-label': `Disable the key ${key.name}`,
                    }),
                  ),
            ],
            key.disabledAt ? 'ended' : '',
          ),
        ),
      'No API keys yet.',
    )

  async function disable(key: ApiKey): Promise<void> {
    const sure = await confirmAction({
      title: `Disable the key ${key.name}?`,
      text: 'Programs using it are refused from now on. This cannot be undone.',
      action: 'Disable key',
    })
    if (!sure) return
    try {
      await call('DELETE', `api/v1/keys/${key.id}`)
      toast(`The key ${key.name} is disabled.`)
    } catch (caught) {
      toast(sentence(caught))
    }
    await load()
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.textContent = ''
    if (!name.value.trim()) {
      error.textContent = 'Give the key a name, so that you know later what uses it.'
      return name.focus()
    }
    try {
      const created = await call<{ key: string; name: string }>('POST', 'api/v1/keys', {
        name: name.value.trim(),
        role: me().role === 'admin' ? role.value : 'user',
      })
      form.reset()
      secretBox(
        secret,
        'Copy this key now: it is not shown again.',
        created.key,
        `The new key ${created.name}`,
        'Programs send it as Authorization: Bearer <key>.',
      )
      await load()
    } catch (caught) {
      error.textContent = sentence(caught)
    }
  })

  return {
    show: () => {
      secret.hidden = true
      return load()
    },
  }
}

export function mountUsers(forbidden: () => void) {
  const parts = listParts('users')
  const form = byId<HTMLFormElement>('user-form')
  const username = byId<HTMLInputElement>('user-name')
  const role = byId<HTMLSelectElement>('user-role')
  const error = byId('user-error')
  const invite = byId('user-invite')

  async function load(): Promise<void> {
    const loaded = await loadList<User>(
      parts,
      'api/v1/users',
      (list) =>
        list.map((user) =>
          tableRow(
            parts,
            [
              h('span', { class: 'file-name' }, user.username),
              roleOf(user.role),
              timeCell(user.createdAt),
              statusOf(user.disabledAt),
              user.disabledAt
                ? h('span')
                : h(
                    'div',
                    { class: 'row-actions' },
                    button('Disable', 'ban', () => void disable(user), 'ghost small danger-text', {
                      'aria-label': `Disable ${user.username}`,
                    }),
                  ),
            ],
            user.disabledAt ? 'ended' : '',
          ),
        ),
      'Nobody yet.',
    )
    if ('error' in loaded && loaded.error instanceof ApiError && loaded.error.status === 403) forbidden()
  }

  async function disable(user: User): Promise<void> {
    const sure = await confirmAction({
      title: `Disable ${user.username}?`,
      text: 'They are signed out everywhere at once, and their API keys stop working. Their links keep working until you revoke them.',
      action: 'Disable account',
    })
    if (!sure) return
    try {
      await call('DELETE', `api/v1/users/${user.id}`)
      toast(`${user.username} is disabled.`)
    } catch (caught) {
      toast(sentence(caught))
    }
    await load()
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.textContent = ''
    const name = username.value.trim()
    if (!/^[A-Za-z0-9._-]{3,64}$/.test(name)) {
      error.textContent = 'A username is 3 to 64 letters, digits, dots, dashes or underscores.'
      return username.focus()
    }
    try {
      const created = await call<{ username: string; inviteUrl: string }>('POST', 'api/v1/users', { username: name, role: role.value })
      form.reset()
      secretBox(
        invite,
        `Send this link to ${created.username}.`,
        created.inviteUrl,
        `Invite link for ${created.username}`,
        'It lets them choose a password and sign in. It works once, for 7 days.',
      )
      await load()
    } catch (caught) {
      error.textContent =
        caught instanceof ApiError && caught.code === 'conflict' ? 'That username is taken. Choose another.' : sentence(caught)
    }
  })

  return {
    show: () => {
      invite.hidden = true
      return load()
    },
  }
}
