// Characters that must never reach a file name: C0/C1 controls and the
// Unicode direction overrides that make "exe.txt" display as "txt.exe".
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g
const MAX_NAME_LENGTH = 255
// Half of a UTF-16 surrogate pair alone (JSON may carry one as "\ud800"): it
// has no UTF-8 spelling, so it becomes U+FFFD, as a UTF-8 decoder would make it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * A file name safe to store and show: well-formed Unicode, no controls or
 * direction marks, no path separators, no leading dots, at most 255
 * characters. Never empty.
 */
export function safeFilename(name: string): string {
  const cleaned = name
    .replace(LONE_SURROGATE, '\ufffd')
    .normalize('NFC')
    .replace(UNSAFE, '')
    .replace(/[/\\]/g, '_')
    .trim()
    .replace(/^\.+/, '')
  const limited = Array.from(cleaned).slice(0, MAX_NAME_LENGTH).join('')
  return limited || 'download'
}

/** RFC 5987 attr-char: everything else is percent-encoded in `filename*`. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

// Letters and punctuation that have a plain ASCII spelling but no Unicode
// decomposition to one. Accented letters need no entry: decomposing "é" gives
// "e" and a combining mark, and the mark is dropped.
const ASCII_SPELLING: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'Th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': "'",
  '\u201d': "'",
  '\u201e': "'",
  '\u2033': "'",
  '\u00ab': "'",
  '\u00bb': "'",
  '\u2039': "'",
  '\u203a': "'",
  '"': "'",
  '\u20ac': 'EUR',
  '\u00d7': 'x',
}

/** What a reader sees as one character ("é", "한", "👨‍👩‍👧"): its plain ASCII spelling, or `_` when it has none. */
function asciiOf(character: string): string {
  const spelled = Array.from(character.normalize('NFKD').replace(/\p{M}/gu, ''), (c) => ASCII_SPELLING[c] ?? c).join('')
  return /^[\x20-\x7e]+$/.test(spelled) && !/[\\%]/.test(spelled) ? spelled : '_'
}

// Made on the first name that needs it: the segmenter loads ICU's break rules,
// about 3 MiB resident that a service seeing only ASCII names never needs.
let segmenter: Intl.Segmenter | null = null
function graphemes(name: string): string[] {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' })
  return Array.from(segmenter.segment(name), ({ segment }) => segment)
}
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/**
 * The name as plain printable ASCII for the quoted `filename` that older
 * clients (and `curl -OJ`) save under: accents dropped, typographic dashes and
 * quotes made plain, `Résumé 2026 – final.pdf` → `Resume 2026 - final.pdf`.
 * A character with no ASCII spelling (CJK, emoji) becomes one `_`; so do `%`
 * and `\`, which some clients would decode or take for an escape.
 */
export function asciiFallback(name: string): string {
  // Printable ASCII is its own spelling, one character to a grapheme, but for
  // `"`, `%` and `\`: the common name takes no segmenting and no
  // normalisation per character, which cost more than the rest of a small
  // download's headers (docs/performance.md).
  const spelled = PRINTABLE_ASCII.test(name) ? name.replaceAll('"', "'").replace(/[\\%]/g, '_') : graphemes(name).map(asciiOf).join('')
  return spelled.replace(/^[.\s]+/, '').trimEnd() || 'download'
}

/**
 * `Content-Disposition: attachment` with a quoted ASCII `filename` for old
 * clients and an RFC 6266/5987 `filename*` carrying the real name in UTF-8.
 */
export function contentDisposition(name: string): string {
  const safe = safeFilename(name)
  return `attachment; filename="${asciiFallback(safe)}"; filename*=UTF-8''${encodeRfc5987(safe)}`
}
