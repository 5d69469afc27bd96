// Characters that must never reach a file name: C0/C1 controls and the
// Unicode direction overrides that make "exe.txt" display as "txt.exe".
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g
const MAX_NAME_LENGTH = 255

/**
 * A file name safe to store and show: no controls or direction marks, no path
 * separators, no leading dots, at most 255 characters. Never empty.
 */
export function safeFilename(name: string): string {
  const cleaned = name.normalize('NFC').replace(UNSAFE, '').replace(/[/\\]/g, '_').trim().replace(/^\.+/, '')
  const limited = Array.from(cleaned).slice(0, MAX_NAME_LENGTH).join('')
  return limited || 'download'
}

/** RFC 5987 attr-char: everything else is percent-encoded in `filename*`. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\%]/gu, '_')
}

/**
 * `Content-Disposition: attachment` with a quoted ASCII `filename` for old
 * clients and an RFC 6266/5987 `filename*` carrying the real name in UTF-8.
 */
export function contentDisposition(name: string): string {
  const safe = safeFilename(name)
  return `attachment; filename="${asciiFallback(safe)}"; filename*=UTF-8''${encodeRfc5987(safe)}`
}
