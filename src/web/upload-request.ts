/**
 * The uploader of an upload request's page (/u/<token>): each chosen or
 * dropped file goes up through ./uploader/upload.ts with a progress bar, its
 * speed and time left, and a button to cancel it. The request's token is the
 * last segment of the page's address.
 */
import { humanSize, humanSpeed, shortDuration } from '../core/ui/human'
import { isRemembered, rememberedUploads, type UploadProgress, upload } from './uploader/upload'

const token = decodeURIComponent(location.pathname.split('/').pop() ?? '')
const form = document.getElementById('uploader') as HTMLFormElement | null
const input = document.getElementById('files') as HTMLInputElement | null
const drop = document.getElementById('drop')
const queue = document.getElementById('queue')
const note = document.getElementById('resume-note')
const filesLine = document.getElementById('files-left')
const bytesLine = document.getElementById('bytes-left')

const maxFileBytes = Number(form?.dataset.maxFileBytes ?? 0)
// What the request still takes, as this page counts it: the service checks again, atomically.
let filesLeft = Number(form?.dataset.filesLeft ?? 0)
let bytesLeft = Number(form?.dataset.bytesLeft ?? 0)

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  node.textContent = text
  return node
}

/** The line under a file's bar; it keeps its `status` class (tabular figures) whatever the outcome. */
function show(status: HTMLElement, text: string, tone: 'muted' | 'done' | 'failed'): void {
  status.textContent = text
  status.className = `${tone} small status`
}

/** Takes (or, with -1, gives back) a file's place in what the page says the request still takes. */
function count(file: File, sign: 1 | -1): void {
  filesLeft -= sign
  bytesLeft -= sign * file.size
  if (filesLine) filesLine.textContent = filesLeft > 0 ? `up to ${filesLeft} more` : 'no more'
  if (bytesLine) bytesLine.textContent = bytesLeft > 0 ? `up to ${humanSize(bytesLeft)} in all` : 'no more'
}

function describe(progress: UploadProgress): string {
  const done = `${humanSize(progress.loaded)} of ${humanSize(progress.total)}`
  if (progress.bytesPerSecond <= 0) return progress.resumedBytes > 0 ? `${done}, resuming` : done
  const left = progress.secondsLeft === null ? '' : `, ${shortDuration(progress.secondsLeft)} left`
  return `${done} · ${humanSpeed(progress.bytesPerSecond)}${left}`
}

function send(file: File): void {
  if (!queue) return
  const item = element('li', '')
  const row = element('div', 'row')
  const name = element('span', 'name', file.name)
  const cancel = element('button', '', 'Cancel')
  cancel.type = 'button'
  row.append(name, cancel)
  const bar = element('progress', '')
  bar.max = Math.max(file.size, 1)
  bar.value = 0
  const status = element('div', 'muted small status', humanSize(file.size))
  item.append(row, bar, status)
  queue.append(item)

  // A file this browser started earlier already holds its place: it resumes whatever is left.
  const resuming = isRemembered(file, token)
  if (!resuming && filesLeft <= 0) {
    show(status, 'Not sent: this request takes no more files.', 'failed')
    cancel.remove()
    return
  }
  if (!resuming && file.size > Math.min(maxFileBytes, bytesLeft)) {
    show(status, `Not sent: larger than the ${humanSize(Math.min(maxFileBytes, bytesLeft))} this request still takes.`, 'failed')
    cancel.remove()
    return
  }
  if (!resuming) count(file, 1)

  const controller = new AbortController()
  cancel.addEventListener('click', () => controller.abort())
  upload(file, {
    token,
    signal: controller.signal,
    onProgress(progress) {
      bar.value = progress.loaded
      status.textContent = describe(progress)
    },
  }).then(
    () => {
      bar.value = bar.max
      show(status, `Sent: ${humanSize(file.size)}.`, 'done')
      cancel.remove()
    },
    (error: unknown) => {
      if (!resuming) count(file, -1)
      if (error instanceof DOMException && error.name === 'AbortError') show(status, 'Cancelled.', 'muted')
      else show(status, `Not sent: ${error instanceof Error ? error.message : String(error)}`, 'failed')
      cancel.remove()
    },
  )
}

input?.addEventListener('change', () => {
  for (const file of input.files ?? []) send(file)
  input.value = ''
})

drop?.addEventListener('dragover', (event) => {
  event.preventDefault()
  drop.classList.add('over')
})
drop?.addEventListener('dragleave', () => drop.classList.remove('over'))
drop?.addEventListener('drop', (event) => {
  event.preventDefault()
  drop.classList.remove('over')
  for (const file of event.dataTransfer?.files ?? []) send(file)
})

const unfinished = rememberedUploads(token)
if (note && unfinished.length > 0) {
  const names = unfinished.map((entry) => `${entry.name} (${humanSize(entry.size)})`).join(', ')
  note.textContent = `Not finished last time: ${names}. Choose the same file again to send only what is missing.`
  note.hidden = false
}
