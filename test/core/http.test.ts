import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { asciiFallback, contentDisposition, safeFilename } from '../../src/core/http/disposition'
import { parseDuration } from '../../src/core/http/duration'
import { parseRange } from '../../src/core/http/range'

describe('parseDuration', () => {
  test.each([
    [3600, 3600],
    ['3600', 3600],
    ['45s', 45],
    ['90m', 5400],
    ['24h', 86400],
    ['7d', 604800],
    ['2w', 1209600],
    [' 5m ', 300],
  ] as const)('%j is %i seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds)
  })

  test.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Infinity,
    '',
    '0',
    '0h',
    'h',
    '5 minutes',
    '1y',
    '1h30m',
    '-5m',
    '5M',
    '9'.repeat(30),
    null,
    undefined,
    {},
    [],
    true,
  ])('%j is refused', (input) => {
    expect(parseDuration(input)).toBeNull()
  })
})

describe('parseRange', () => {
  const size = 1000
  test.each([
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
    ['BYTES = 10 - 20', { kind: 'partial', start: 10, end: 20 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=5000-6000', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    [null, { kind: 'full' }],
    ['', { kind: 'full' }],
    ['items=0-5', { kind: 'full' }],
    ['bytes=5-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=a-b', { kind: 'full' }],
    ['bytes=0-1,5-9', { kind: 'full' }],
    [`bytes=0-${'9'.repeat(300)}`, { kind: 'full' }],
  ] as const)('%j', (header, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })

  test('an empty file has no satisfiable range', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange(null, 0)).toEqual({ kind: 'full' })
  })

  test('a property: every partial range lies inside the file', () => {
    for (let i = 0; i < 2000; i++) {
      const size = Math.floor(Math.random() * 5000)
      const a = Math.floor(Math.random() * 6000)
      const b = Math.floor(Math.random() * 6000)
      const form = i % 3
      const header = form === 0 ? `bytes=${a}-${b}` : form === 1 ? `bytes=${a}-` : `bytes=-${b}`
      const range = parseRange(header, size)
      if (range.kind === 'partial') {
        expect(range.start).toBeGreaterThanOrEqual(0)
        expect(range.end).toBeLessThan(size)
        expect(range.start).toBeLessThanOrEqual(range.end)
      }
    }
  })
})

describe('contentDisposition', () => {
  const parse = (header: string) => {
    const ascii = /filename="([^"]*)"/.exec(header)?.[1]
    const star = /filename\*=UTF-8''(.*)$/.exec(header)?.[1]
    return { ascii, utf8: star === undefined ? undefined : decodeURIComponent(star) }
  }

  test.each([
    ['report.pdf', 'report.pdf', 'report.pdf'],
    ['Résumé.pdf', 'Resume.pdf', 'Résumé.pdf'],
    ['Résumé 2026 – final.pdf', 'Resume 2026 - final.pdf', 'Résumé 2026 – final.pdf'],
    ['Re\u0301sume\u0301.pdf', 'Resume.pdf', 'Résumé.pdf'],
    ['Łódź — “Zażółć” gęślą.txt', "Lodz - 'Zazolc' gesla.txt", 'Łódź — “Zażółć” gęślą.txt'],
    ['Straße Œuvre Ærø.txt', 'Strasse OEuvre AEro.txt', 'Straße Œuvre Ærø.txt'],
    ['Ａｂｃ ﬁle™.txt', 'Abc fileTM.txt', 'Ａｂｃ ﬁle™.txt'],
    ['한국어.doc', '___.doc', '한국어.doc'],
    ['family 👨‍👩‍👧 ❤️.png', 'family _ _.png', 'family 👨‍👩‍👧 ❤️.png'],
    ['…notes.txt', 'notes.txt', '…notes.txt'],
    ['数据', '__', '数据'],
    ['数据.csv', '__.csv', '数据.csv'],
    ['emoji 🎉.txt', 'emoji _.txt', 'emoji 🎉.txt'],
    ['say "hi".txt', "say 'hi'.txt", 'say "hi".txt'],
    ['back\\slash.txt', 'back_slash.txt', 'back_slash.txt'],
    ['../../etc/passwd', '_.._etc_passwd', '_.._etc_passwd'],
    ['inject\r\nSet-Cookie: a=b', 'injectSet-Cookie: a=b', 'injectSet-Cookie: a=b'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe', 'invoicefdp.exe'],
    ['\u200Fhidden\u2066.txt', 'hidden.txt', 'hidden.txt'],
    ['50%.txt', '50_.txt', '50%.txt'],
    ["it's (final)*.txt", "it's (final)*.txt", "it's (final)*.txt"],
    ['', 'download', 'download'],
    ['...', 'download', 'download'],
    ['.hidden', 'hidden', 'hidden'],
  ])('%j', (name, ascii, utf8) => {
    const header = contentDisposition(name)
    expect(header.startsWith('attachment; ')).toBe(true)
    expect(header).not.toMatch(/[\r\n\u0000-\u001f\u007f-\uffff]/)
    expect(parse(header)).toEqual({ ascii, utf8 })
    // RFC 5987 attr-chars only after UTF-8''.
    expect(/filename\*=UTF-8''(.*)$/.exec(header)![1]).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]*$/)
  })

  test('a property: the ASCII name is never empty, never hidden, and only printable ASCII without quote, backslash or percent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        const ascii = asciiFallback(safeFilename(name))
        expect(ascii).toMatch(/^[^.\s][\x20-\x7e]*$/)
        expect(ascii).not.toMatch(/["\\%]/)
      }),
      { numRuns: 2000 },
    )
  })

  test('long names are cut to 255 characters without splitting a character', () => {
    const name = '🎉'.repeat(300)
    expect(Array.from(safeFilename(name))).toHaveLength(255)
    expect(safeFilename(name)).toBe('🎉'.repeat(255))
  })
})
