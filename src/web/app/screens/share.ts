import { fileIconSvg } from '../../../core/ui/file-icon'
import { fileKind } from '../../../core/ui/file-kind'
import { humanSize, humanSpeed, plural, shortDuration } from '../../../core/ui/human'
import { call, sentence } from '../api'
import { copyText } from '../copy'
import { button, byId, fromMarkup, h, icon } from '../dom'
import { toast } from '../feedback'
import type { Link, StoredFile } from '../model'
import { qrImage } from '../qr'
import { fromNow, localTime } from '../time'
import { TransferMeter } from '../transfer-meter'
import { isCancelled, type UploadedFile, upload } from '../uploader'
import { LinkForm, type LinkSettings } from './link-form'

/*
 * Share: drop or pick files, watch each upload (speed, time left, cancel),
 * choose the link settings meanwhile, and get one link per file with a copy
 * button and a QR code. The same screen re-issues a link ("change") and
 * shares a file uploaded earlier.
 */

type State = 'waiting' | 'uploading' | 'done' | 'failed'

interface Item {
  name: string
  size: number
  contentType: string
  /** Null for a file already stored. */
  file: File | null
  stored: StoredFile | UploadedFile | null
  state: State
  controller: AbortController
  row: HTMLLIElement
  bar: HTMLProgressElement
  status: HTMLElement
  action: HTMLButtonElement
}

export interface ShareScreen {
  show(): void
  /** Starts from a stored file: a new link to it, or a replacement for `replacing`. */
  startWith(file: StoredFile, replacing: Link | null): void
}

export function mountShare(go: (screen: string) => void): ShareScreen {
  const maxUploadBytes = Number(document.body.dataset.maxUploadBytes)
  const dropzone = byId('dropzone')
  const input = byId<HTMLInputElement>('file-input')
  const list = byId<HTMLUListElement>('upload-list')
  const results = byId('link-results')
  const form = new LinkForm()
  const submit = byId<HTMLButtonElement>('link-submit')
  const cancel = byId<HTMLButtonElement>('link-cancel')
  const title = byId('share-title')
  let items: Item[] = []
  let replacing: Link | null = null
  let pending: LinkSettings | null = null

  const busy = () => items.some((item) => item.state === 'waiting' || item.state === 'uploading')
  const ready = () => items.filter((item) => item.state === 'done')

  function refreshForm(): void {
    const live = items.filter((item) => item.state !== 'failed')
    form.form.hidden = live.length === 0
    form.namesOneFile(live.length === 1)
    const names = live.map((item) => item.name)
    byId('link-form-for').textContent = replacing
      ? `A new link to ${names[0]} replaces the current one, which stops working.`
      : names.length === 1
        ? `For ${names[0]}.`
        : `One link for each of the ${names.length} files.`
    byId('link-form-title').textContent = replacing ? 'Change the link' : names.length > 1 ? 'Settings of the links' : 'Link settings'
    submit.querySelector('span')!.textContent = pending
      ? 'Creating when the upload finishes…'
      : replacing
        ? 'Replace the link'
        : names.length > 1
          ? `Create ${names.length} links`
          : 'Create link'
    submit.disabled = pending !== null
    cancel.hidden = !replacing && !items.some((item) => item.file === null)
    dropzone.hidden = replacing !== null || items.some((item) => item.file === null)
    const more = items.length > 0 || results.children.length > 0
    dropzone.classList.toggle('compact', more)
    byId('drop-title').textContent = more ? 'Share more: drop files here, or' : 'Drop files here'
  }

  function row(name: string, size: number, contentType: string): Pick<Item, 'row' | 'bar' | 'status' | 'action'> {
    const bar = h('progress', { max: size || 1, value: 0, 'aria-label': `Upload of ${name}` })
    const status = h('p', { class: 'upload-status muted small' })
    const action = h(
      'button',
      { type: 'button', class: 'icon-button', 'aria-label': `Cancel the upload of ${name}`, title: 'Cancel' },
      icon('x'),
    )
    const element = h(
      'li',
      { class: 'upload' },
      fromMarkup(fileIconSvg(fileKind(name, contentType), 34)),
      h(
        'div',
        { class: 'upload-main' },
        h('div', { class: 'upload-line' }, h('span', { class: 'upload-name' }, name), h('span', { class: 'muted small' }, humanSize(size))),
        bar,
        status,
      ),
      action,
    )
    return { row: element, bar, status, action }
  }

  function remove(item: Item): void {
    item.row.remove()
    items = items.filter((other) => other !== item)
    refreshForm()
  }

  function addFiles(files: Iterable<File>): void {
    if (replacing || items.some((item) => item.file === null)) reset()
    for (const file of files) {
      const parts = row(file.name, file.size, file.type)
      const item: Item = {
        name: file.name,
        size: file.size,
        contentType: file.type,
        file,
        stored: null,
        state: 'waiting',
        controller: new AbortController(),
        ...parts,
      }
      item.row.dataset.state = 'waiting'
      item.status.textContent = 'Waiting…'
      item.action.addEventListener('click', () => {
        if (item.state === 'waiting' || item.state === 'uploading') item.controller.abort()
        else remove(item)
      })
      if (file.size > maxUploadBytes) {
        setState(item, 'failed', `This file is larger than the ${humanSize(maxUploadBytes)} the service accepts.`)
      }
      items.push(item)
      list.append(item.row)
    }
    refreshForm()
    void pump()
  }

  function setState(item: Item, state: State, text: string): void {
    item.state = state
    item.row.dataset.state = state
    item.status.textContent = text
    if (state === 'done' || state === 'failed') {
      item.action.setAttribute('aria-label', `Remove ${item.name} from this list`)
      item.action.title = 'Remove'
    }
    if (state === 'done') item.bar.value = item.bar.max
  }

  async function pump(): Promise<void> {
    if (items.some((item) => item.state === 'uploading')) return
    const next = items.find((item) => item.state === 'waiting')
    if (!next) {
      if (pending) {
        const settings = pending
        pending = null
        await createLinks(settings)
      }
      return
    }
    await send(next)
    void pump()
  }

  async function send(item: Item): Promise<void> {
    setState(item, 'uploading', 'Starting…')
    const meter = new TransferMeter(item.size)
    try {
      item.stored = await upload(item.file!, {
        signal: item.controller.signal,
        onProgress: (loaded, total) => {
          item.bar.value = loaded
          const { speed, secondsLeft } = meter.update(loaded)
          const rate = speed === null ? '' : ` · ${humanSpeed(speed)} · ${shortDuration(secondsLeft ?? 0)} left`
          item.status.textContent = `${humanSize(loaded)} of ${humanSize(total)}${rate}`
        },
      })
      setState(item, 'done', 'Uploaded')
      item.row.querySelector('.upload-status')!.prepend(icon('check', 16))
      toast(`${item.name} is uploaded.`)
    } catch (error) {
      if (isCancelled(error)) {
        remove(item)
        toast(`The upload of ${item.name} was cancelled.`)
      } else {
        setState(item, 'failed', sentence(error))
      }
    }
    refreshForm()
  }

  async function createLinks(settings: LinkSettings): Promise<void> {
    const files = ready()
    if (files.length === 0) return form.fail('There is no uploaded file to link to yet.')
    submit.disabled = true
    const made: HTMLElement[] = []
    try {
      for (const item of files) {
        const link = await call<Link>('POST', 'api/v1/links', { fileId: item.stored!.id, ...settings })
        const missing = [
          settings.password && !link.passwordProtected ? 'a password' : null,
          settings.message && link.message !== settings.message ? 'a message' : null,
        ].filter(Boolean)
        if (missing.length > 0) {
          // Never hand out a link that lacks the protection the person asked for.
          await call('DELETE', `api/v1/links/${link.id}`)
          return form.fail(`This service cannot give links ${missing.join(' or ')} yet, so no link was made.`)
        }
        made.push(resultCard(link, item.name))
      }
      if (replacing) {
        await call('DELETE', `api/v1/links/${replacing.id}`)
        toast('The new link is ready. The old one no longer works.')
      }
    } catch (error) {
      return form.fail(sentence(error))
    } finally {
      submit.disabled = false
      if (made.length > 0) {
        results.prepend(...made)
        while (results.children.length > 6) results.lastElementChild!.remove()
        reset()
        made[0]!.focus()
      }
    }
  }

  function reset(): void {
    for (const item of items) item.controller.abort()
    items = []
    list.replaceChildren()
    replacing = null
    pending = null
    title.textContent = 'Share files'
    form.reset()
    refreshForm()
  }

  form.form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const settings = form.read()
    if (!settings) return
    if (busy()) {
      pending = settings
      refreshForm()
      return
    }
    await createLinks(settings)
  })
  cancel.addEventListener('click', () => {
    const back = replacing ? 'links' : 'files'
    reset()
    go(back)
  })

  byId('choose-files').addEventListener('click', () => input.click())
  input.addEventListener('change', () => {
    if (input.files) addFiles(Array.from(input.files))
    input.value = ''
  })
  const screen = byId('screen-share')
  screen.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return
    event.preventDefault()
    dropzone.classList.add('over')
  })
  screen.addEventListener('dragleave', (event) => {
    if (!screen.contains(event.relatedTarget as Node | null)) dropzone.classList.remove('over')
  })
  screen.addEventListener('drop', (event) => {
    event.preventDefault()
    dropzone.classList.remove('over')
    if (event.dataTransfer?.files.length) addFiles(Array.from(event.dataTransfer.files))
  })
  window.addEventListener('beforeunload', (event) => {
    if (busy()) event.preventDefault()
  })

  refreshForm()

  return {
    show() {},
    startWith(file, link) {
      reset()
      replacing = link
      const parts = row(file.name, file.size, file.contentType)
      const item: Item = {
        name: file.name,
        size: file.size,
        contentType: file.contentType,
        file: null,
        stored: file,
        state: 'done',
        controller: new AbortController(),
        ...parts,
      }
      setState(item, 'done', 'Uploaded earlier')
      item.action.addEventListener('click', () => {
        reset()
      })
      items.push(item)
      list.append(item.row)
      title.textContent = link ? 'Change a link' : 'Share a file'
      form.reset(link ? { maxDownloads: link.maxDownloads, filename: link.filename, message: link.message } : null)
      refreshForm()
      go('share')
    },
  }
}

/** The made link: its address with a copy button, a QR code, and what it allows. */
function resultCard(link: Link, name: string): HTMLElement {
  const url = link.url!
  const address = h('input', {
    class: 'link-address',
    readonly: true,
    value: url,
    'aria-label': `Link to ${name}`,
    onfocus: (event) => (event.target as HTMLInputElement).select(),
  })
  const copy = button(
    'Copy link',
    'copy',
    async () => {
      const ok = await copyText(url)
      toast(ok ? 'Link copied.' : 'Copying was refused by the browser: select the link and copy it.')
      if (ok) copy.querySelector('span')!.textContent = 'Copied'
    },
    'primary copy-button',
  )
  const facts = [
    `Expires ${localTime(Date.parse(link.expiresAt))} (${fromNow(Date.parse(link.expiresAt))})`,
    link.maxDownloads === null ? 'Unlimited downloads' : plural(link.maxDownloads, 'download'),
    link.notBefore ? `Opens ${localTime(Date.parse(link.notBefore))}` : null,
    link.passwordProtected ? 'Password protected' : null,
  ].filter((fact): fact is string => fact !== null)
  return h(
    'article',
    { class: 'card result', tabindex: -1, 'aria-label': `Link to ${name}` },
    h(
      'div',
      { class: 'result-head' },
      h('span', { class: 'ok-badge' }, icon('check', 18)),
      h('div', {}, h('h2', {}, 'Your link is ready'), h('p', { class: 'muted result-name' }, name)),
    ),
    h('div', { class: 'copy-row' }, address, copy),
    h(
      'div',
      { class: 'result-body' },
      h('div', { class: 'qr-frame' }, qrImage(url, `QR code of the link to ${name}`)),
      h('ul', { class: 'result-facts' }, ...facts.map((fact) => h('li', {}, fact))),
    ),
  )
}
