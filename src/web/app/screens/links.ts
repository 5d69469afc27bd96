import { fileIconSvg } from '../../../core/ui/file-icon'
import { fileKind } from '../../../core/ui/file-kind'
import { all, call, get, sentence } from '../api'
import { copyText } from '../copy'
import { button, byId, fromMarkup, h } from '../dom'
import { confirmAction, showQr, toast } from '../feedback'
import type { Link, StoredFile } from '../model'
import { timeCell } from '../time'
import { type ListParts, listParts, show, tableRow } from './list'
import { ownerFilter } from './owner-filter'
import type { ShareScreen } from './share'

/*
 * Links: status, downloads used and left, expiry, last download; copy, QR,
 * change and revoke. Admins see everyone's links, and whose each is; they
 * can keep to one owner.
 */

const STATUS: Record<Link['status'] | 'scheduled', { label: string; tone: string }> = {
  active: { label: 'Active', tone: 'ok' },
  scheduled: { label: 'Not open yet', tone: 'info' },
  expired: { label: 'Expired', tone: 'neutral' },
  revoked: { label: 'Revoked', tone: 'stop' },
  exhausted: { label: 'Used up', tone: 'warn' },
  file_deleted: { label: 'File deleted', tone: 'neutral' },
}

export function statusBadge(link: Link): HTMLElement {
  const key = link.status === 'active' && link.notBefore && Date.parse(link.notBefore) > Date.now() ? 'scheduled' : link.status
  const { label, tone } = STATUS[key]
  return h('span', { class: `badge ${tone}` }, label)
}

function downloadsCell(link: Link): HTMLElement {
  if (link.maxDownloads === null) return h('span', {}, `${link.downloads} so far`, h('span', { class: 'at muted' }, 'no limit'))
  const used = h('meter', { min: 0, max: link.maxDownloads, value: link.downloads, 'aria-hidden': 'true' })
  return h(
    'span',
    { class: 'downloads' },
    h('span', { class: 'count' }, `${link.downloads} of ${link.maxDownloads} used`),
    used,
    h('span', { class: 'at muted' }, `${link.remaining} left`),
  )
}

export function mountLinks(share: ShareScreen) {
  const parts: ListParts = listParts('links')
  const filter = byId<HTMLSelectElement>('links-filter')
  const owners = ownerFilter('links', () => void load())
  let links: Link[] = []
  let files = new Map<string, StoredFile>()

  const nameOf = (link: Link) => link.filename ?? files.get(link.fileId)?.name ?? 'Deleted file'
  const isOpen = (link: Link) => link.status === 'active'

  function render(): void {
    const shown = links.filter((link) => (filter.value === 'all' ? true : filter.value === 'active' ? isOpen(link) : !isOpen(link)))
    show(
      parts,
      shown.map((link) => linkRow(link)),
      filter.value === 'active'
        ? h('span', {}, 'No active links. ', h('a', { href: '#/share' }, 'Share a file'), ' to make one.')
        : 'No links here.',
    )
  }

  function linkRow(link: Link): HTMLTableRowElement {
    const name = nameOf(link)
    const file = files.get(link.fileId)
    const actions = h('div', { class: 'row-actions' })
    if (isOpen(link)) {
      actions.append(
        button('Copy', 'copy', () => copyLink(link), 'secondary small', { 'aria-label': `Copy the link to ${name}` }),
        button('QR', 'qr', () => void qr(link, name), 'ghost small', { 'aria-label': `Show the QR code of the link to ${name}` }),
      )
      if (file)
        actions.append(
          button('Change', 'reissue', () => share.startWith(file, link), 'ghost small', { 'aria-label': `Change the link to ${name}` }),
        )
      actions.append(
        button('Revoke', 'ban', () => void revoke(link, name), 'ghost small danger-text', { 'aria-label': `Revoke the link to ${name}` }),
      )
    } else if (file) {
      actions.append(
        button('New link', 'link', () => share.startWith(file, null), 'ghost small', { 'aria-label': `Make a new link to ${name}` }),
      )
    }
    const kind = file ? fileKind(name, file.contentType) : null
    return tableRow(
      parts,
      [
        h(
          'span',
          { class: 'file-cell' },
          fromMarkup(fileIconSvg(kind, 26)),
          h(
            'span',
            {},
            h('span', { class: 'file-name' }, name),
            h(
              'span',
              { class: 'at muted' },
              [link.owner ? `by ${link.owner.name}` : '', link.passwordProtected ? 'Password protected' : ''].filter(Boolean).join(' · '),
            ),
          ),
        ),
        statusBadge(link),
        downloadsCell(link),
        timeCell(link.expiresAt),
        timeCell(link.lastDownloadAt),
        actions,
      ],
      isOpen(link) ? '' : 'ended',
    )
  }

  async function withToken(link: Link): Promise<string> {
    return (await get<Link>(`api/v1/links/${link.id}`)).url!
  }

  async function copyLink(link: Link): Promise<void> {
    const ok = await copyText(withToken(link))
    toast(ok ? 'Link copied.' : 'Copying was refused by the browser. Open the QR code or try again.')
  }

  async function qr(link: Link, name: string): Promise<void> {
    try {
      showQr(await withToken(link), name)
    } catch (error) {
      toast(sentence(error))
    }
  }

  async function revoke(link: Link, name: string): Promise<void> {
    const sure = await confirmAction({
      title: 'Revoke this link?',
      text: `The link to ${name} stops working at once, for everyone who has it. Downloads already under way may finish.`,
      action: 'Revoke link',
    })
    if (!sure) return
    try {
      await call('DELETE', `api/v1/links/${link.id}`)
      toast(`The link to ${name} is revoked.`)
    } catch (error) {
      toast(sentence(error))
    }
    await load()
  }

  async function load(): Promise<void> {
    parts.error.textContent = ''
    try {
      const [linkList, fileList] = await Promise.all([all<Link>(`api/v1/links${owners.query()}`), all<StoredFile>('api/v1/files')])
      links = linkList
      files = new Map(fileList.map((file) => [file.id, file]))
      if (!owners.chosen) owners.offer(links)
      render()
    } catch (error) {
      parts.error.textContent = sentence(error)
    }
  }

  filter.addEventListener('change', render)
  return { show: load }
}
