import { describe, expect, test } from 'vitest'
import { fileIconSvg } from '../../src/core/ui/file-icon'
import { fileKind } from '../../src/core/ui/file-kind'
import { humanSize, humanSpeed, relativeTime, shortDuration, timeAgo, utcTime } from '../../src/core/ui/human'

describe('sizes, times and durations as people read them', () => {
  test.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1.0 KB'],
    [1_500_000, '1.5 MB'],
    [52_428_800, '52 MB'],
    [999_960, '1.0 MB'],
    [5 * 1024 ** 3, '5.4 GB'],
  ])('humanSize(%i) is %j', (bytes, shown) => {
    expect(humanSize(bytes)).toBe(shown)
  })

  test.each([
    [10_000, 'in less than a minute', 'just now'],
    [60_000, 'in 1 minute', '1 minute ago'],
    [89 * 60_000, 'in 89 minutes', '89 minutes ago'],
    [26 * 3600_000, 'in 26 hours', '26 hours ago'],
    [7 * 86400_000, 'in 7 days', '7 days ago'],
  ])('%i ms ahead is %j, behind %j', (ms, ahead, behind) => {
    expect(relativeTime(ms)).toBe(ahead)
    expect(timeAgo(ms)).toBe(behind)
  })

  test.each([
    [0.2, '1 s'],
    [59, '59 s'],
    [125, '2 min 5 s'],
    [120, '2 min'],
    [4320, '1 h 12 min'],
  ])('shortDuration(%d) is %j', (seconds, shown) => {
    expect(shortDuration(seconds)).toBe(shown)
  })

  test('speeds and UTC times', () => {
    expect(humanSpeed(8_200_000)).toBe('8.2 MB/s')
    expect(humanSpeed(512)).toBe('512 B/s')
    expect(utcTime(Date.UTC(2026, 0, 31, 17, 5, 42))).toBe('2026-01-31 17:05 UTC')
  })
})

describe('file kinds and their icon', () => {
  test.each([
    ['Résumé.pdf', 'application/octet-stream', 'pdf', 'PDF document', 'PDF'],
    ['scan', 'application/pdf', 'pdf', 'PDF document', ''],
    ['holiday.JPG', 'application/octet-stream', 'image', 'Image', 'JPG'],
    ['clip', 'video/mp4', 'video', 'Video', ''],
    ['budget.xlsx', 'application/octet-stream', 'spreadsheet', 'Spreadsheet', 'XLSX'],
    ['backup.tar.gz', 'application/gzip', 'archive', 'Archive', 'GZ'],
    ['notes.md', 'text/markdown', 'text', 'Text', 'MD'],
    ['data.weird-extension', 'application/octet-stream', 'file', 'File', ''],
    ['.bashrc', 'text/plain', 'text', 'Text', ''],
  ])('%j (%s) is %s', (name, type, category, label, extension) => {
    expect(fileKind(name, type)).toEqual({ category, label, extension })
  })

  test('the icon carries only the category and a short extension, and a null kind shows neither', () => {
    expect(fileIconSvg(fileKind('a.pdf', 'application/pdf'))).toMatch(/class="ficon pdf".*>PDF<\/text>/)
    const neutral = fileIconSvg(null)
    expect(neutral).toContain('class="ficon file"')
    expect(neutral).not.toContain('<text')
    expect(fileIconSvg(fileKind('x.<script>', 'text/html'))).not.toContain('<script')
  })
})
