import { byId } from './dom'
import { qrImage } from './qr'

/*
 * What the app says back: short notes in a live region (read out, gone after
 * a few seconds) and confirmations in a modal <dialog>, which keeps focus
 * inside until answered and returns it afterwards.
 */

let hideTimer: ReturnType<typeof setTimeout> | undefined

export function toast(text: string): void {
  const region = byId('toast')
  region.textContent = text
  region.classList.add('shown')
  clearTimeout(hideTimer)
  hideTimer = setTimeout(() => {
    region.classList.remove('shown')
    region.textContent = ''
  }, 4000)
}

export interface Confirmation {
  title: string
  text: string
  /** The label of the button that does it: "Revoke link", "Delete file". */
  action: string
}

export function confirmAction(confirmation: Confirmation): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm')
  byId('confirm-title').textContent = confirmation.title
  byId('confirm-text').textContent = confirmation.text
  byId('confirm-ok').textContent = confirmation.action
  dialog.returnValue = ''
  dialog.showModal()
  byId('confirm-cancel').focus()
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }))
}

export function showQr(url: string, caption: string): void {
  const dialog = byId<HTMLDialogElement>('qr-dialog')
  byId('qr-image').replaceChildren(qrImage(url, `QR code of the link to ${caption}`))
  byId('qr-caption').textContent = caption
  dialog.showModal()
}
