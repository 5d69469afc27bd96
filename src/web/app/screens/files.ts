import { fileIconSvg } from '../../../core/ui/file-icon'
import { fileKind } from '../../../core/ui/file-kind'
import { humanSize, plural } from '../../../core/ui/human'
import { all, call, sentence } from '../api'
import { button, fromMarkup, h } from '../dom'
import { confirmAction, toast } from '../feedback'
import type { Link, StoredFile } from '../model'
import { timeCell } from '../time'
import { listParts, show, tableRow } from './list'
import { ownerFilter } from './owner-filter'
import type { ShareScreen } from './share'

/*
 * Files: name, size, links, delete. Admins see everyone's files; when the
 * service says whose each file is, they can keep to one owner.
 */

export function mountFiles(share: ShareScreen) {
  const parts = listParts('files')
  const owners = ownerFilter('files', () => void load())
  let files: StoredFile[] = []
  let links: Link[] = []

  function render(): void {
    show(
      parts,
      files.map((file) => fileRow(file)),
      h('span', {}, 'No files yet. ', h('a', { href: '#/share' }, 'Upload one'), ' to share it.'),
    )
  }

  function fileRow(file: StoredFile): HTMLTableRowElement {
    const ofFile = links.filter((link) => link.fileId === file.id)
    const active = ofFile.filter((link) => link.status === 'active').length
    return tableRow(parts, [
      h(
        'span',
        { class: 'file-cell' },
        fromMarkup(fileIconSvg(fileKind(file.name, file.contentType), 26)),
        h(
          'span',
          {},
          h('span', { class: 'file-name' }, file.name),
          file.owner ? h('span', { class: 'at muted' }, `by ${file.owner.name}`) : null,
        ),
      ),
      humanSize(file.size),
      timeCell(file.createdAt),
      ofFile.length === 0
        ? h('span', { class: 'muted' }, 'None')
        : h('a', { href: '#/links' }, `${active} active`, h('span', { class: 'at muted' }, `${plural(ofFile.length, 'link')} in all`)),
      h(
        'div',
        { class: 'row-actions' },
        button('Share', 'link', () => share.startWith(file, null), 'secondary small', { 'aria-label': `Make a link to ${file.name}` }),
        button('Delete', 'trash', () => void remove(file, active), 'ghost small danger-text', { 'aria-label': `Delete ${file.name}` }),
      ),
    ])
  }

  async function remove(file: StoredFile, active: number): Promise<void> {
    const sure = await confirmAction({
      title: `Delete ${file.name}?`,
      text: active > 0 ? `Its ${plural(active, 'active link')} stop working at once. This cannot be undone.` : 'This cannot be undone.',
      action: 'Delete file',
    })
    if (!sure) return
    try {
      await call('DELETE', `api/v1/files/${file.id}`)
      toast(`${file.name} is deleted.`)
    } catch (error) {
      toast(sentence(error))
    }
    await load()
  }

  async function load(): Promise<void> {
    parts.error.textContent = ''
    try {
      ;[files, links] = await Promise.all([all<StoredFile>(`api/v1/files${owners.query()}`), all<Link>('api/v1/links')])
      if (!owners.chosen) owners.offer(files)
      render()
    } catch (error) {
      parts.error.textContent = sentence(error)
    }
  }

  return { show: load }
}
