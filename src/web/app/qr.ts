import { renderSVG } from 'uqr'
import { h } from './dom'

/** A QR code of `url` as an image, dark on light whatever the theme, as scanners expect. */
export function qrImage(url: string, label: string): HTMLImageElement {
  const svg = renderSVG(url, { ecc: 'L', border: 2, whiteColor: '#ffffff', blackColor: '#111318' })
  return h('img', {
    class: 'qr',
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
    alt: label,
    width: 196,
    height: 196,
  })
}
