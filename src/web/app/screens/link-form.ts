import { shortDuration } from '../../../core/ui/human'
import { byId } from '../dom'

/*
 * The link form of the share screen, read into the body of POST
 * /api/v1/links. Everything is checked here first so that a person reads
 * one plain sentence next to the form rather than a refusal from the API.
 */

export interface LinkSettings {
  expiresIn: number
  /** null: unlimited (offered only when the service takes it). */
  maxDownloads: number | null
  filename?: string
  notBefore?: string
  password?: string
  message?: string
}

/** What a link already has, to start the form from (changing a link means re-issuing it). */
export interface Prefill {
  maxDownloads: number | null
  filename?: string
  message?: string
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 }

export class LinkForm {
  readonly form = byId<HTMLFormElement>('link-form')
  private readonly error = byId('link-error')
  private readonly maxLinkTtl = Number(document.body.dataset.maxLinkTtl)

  constructor() {
    this.form.addEventListener('change', () => this.showCustomRows())
    const message = byId<HTMLTextAreaElement>('link-message')
    message.addEventListener('input', () => {
      byId('link-message-count').textContent = String(500 - message.value.length)
    })
    this.showCustomRows()
  }

  private radio(name: string): string {
    return this.form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? ''
  }

  private showCustomRows(): void {
    byId('expiry-custom-row').hidden = this.radio('expiry') !== 'custom'
    byId('downloads-custom-row').hidden = this.radio('downloads') !== 'custom'
  }

  /** The name field names one file: it is shown only when the form is for one. */
  namesOneFile(single: boolean): void {
    for (const field of this.form.querySelectorAll<HTMLElement>('.single-file-only')) field.hidden = !single
  }

  /** Back to the defaults, or to what a link being changed has. */
  reset(prefill: Prefill | null = null): void {
    this.form.reset()
    this.error.textContent = ''
    if (prefill) {
      const preset = this.form.querySelector<HTMLInputElement>(`input[name="downloads"][value="${prefill.maxDownloads ?? 'unlimited'}"]`)
      if (preset) preset.checked = true
      else if (prefill.maxDownloads !== null) {
        this.form.querySelector<HTMLInputElement>('input[name="downloads"][value="custom"]')!.checked = true
        byId<HTMLInputElement>('downloads-amount').value = String(prefill.maxDownloads)
      }
      byId<HTMLInputElement>('link-filename').value = prefill.filename ?? ''
      byId<HTMLTextAreaElement>('link-message').value = prefill.message ?? ''
      byId<HTMLDetailsElement>('more-options').open = Boolean(prefill.filename || prefill.message)
    }
    byId('link-message-count').textContent = String(500 - byId<HTMLTextAreaElement>('link-message').value.length)
    this.showCustomRows()
  }

  fail(text: string, focus?: string): void {
    this.error.textContent = text
    if (focus) {
      const target = byId(focus)
      if (target.closest('details')) (target.closest('details') as HTMLDetailsElement).open = true
      target.focus()
    }
  }

  /** The settings, or null after saying in the form what is wrong. */
  read(): LinkSettings | null {
    this.error.textContent = ''
    let expiresIn = Number(this.radio('expiry'))
    if (this.radio('expiry') === 'custom') {
      const amount = Number(byId<HTMLInputElement>('expiry-amount').value)
      if (!Number.isInteger(amount) || amount < 1)
        return this.refuse('Give the custom lifetime as a whole number, 1 or more.', 'expiry-amount')
      expiresIn = amount * UNIT_SECONDS[byId<HTMLSelectElement>('expiry-unit').value]!
      if (expiresIn > this.maxLinkTtl) {
        return this.refuse(`Links can last at most ${shortDurationWords(this.maxLinkTtl)} here.`, 'expiry-amount')
      }
    }
    let maxDownloads: number | null
    const downloads = this.radio('downloads')
    if (downloads === 'unlimited') maxDownloads = null
    else if (downloads === 'custom') {
      maxDownloads = Number(byId<HTMLInputElement>('downloads-amount').value)
      if (!Number.isInteger(maxDownloads) || maxDownloads < 1 || maxDownloads > 10_000) {
        return this.refuse('Give the number of downloads as a whole number from 1 to 10,000.', 'downloads-amount')
      }
    } else maxDownloads = Number(downloads)

    const settings: LinkSettings = { expiresIn, maxDownloads }
    const filename = byId<HTMLInputElement>('link-filename')
    if (!filename.closest<HTMLElement>('.field')!.hidden && filename.value.trim()) settings.filename = filename.value.trim()
    const notBefore = byId<HTMLInputElement>('link-not-before').value
    if (notBefore) {
      const opens = new Date(notBefore)
      if (Number.isNaN(opens.getTime())) return this.refuse('Give the opening time as a date and a time.', 'link-not-before')
      if (opens.getTime() >= Date.now() + expiresIn * 1000) {
        return this.refuse('The link would expire before it opens. Choose an earlier opening time or a longer lifetime.', 'link-not-before')
      }
      settings.notBefore = opens.toISOString()
    }
    const password = byId<HTMLInputElement>('link-password').value
    if (password) {
      if (password.length < 10) return this.refuse('A link password needs at least 10 characters.', 'link-password')
      settings.password = password
    }
    const message = byId<HTMLTextAreaElement>('link-message').value.trim()
    if (message) settings.message = message
    return settings
  }

  private refuse(text: string, focus: string): null {
    this.fail(text, focus)
    return null
  }
}

/** "30 days", "12 hours": MAX_LINK_TTL as people say it. */
function shortDurationWords(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`
  return shortDuration(seconds)
}
