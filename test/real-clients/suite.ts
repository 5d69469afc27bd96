import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { MiB, runClient, sha256, sha256File, startClient, waitForSize } from '../support/clients'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget, TargetKind } from '../support/target'

// Debian's curl, wget and aria2c against a running service.
//
// A killed client leaves unread whatever its kernel had received, and a
// resume gets that back only from the allowance, min(size, 16 MiB)
// (docs/counting.md, "What a cut client can resume"). curl's and wget's rate
// limits read in bursts, and the kernel grows a bursty reader's receive
// buffer: on loopback, 25 MiB read at 16 MB/s left up to 28 MiB unread (a
// resume then refused), while 2 MiB read at 1 MB/s left at most 5 MiB. So
// the interrupted clients read slowly and are cut early, in a file far
// larger than what can be in flight.
const SIZE = 64 * MiB
const THROTTLE = '1M'
const CUT_AT = 2 * MiB

export function defineRealClientsSuite(kind: TargetKind) {
  describe(`real download clients, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api
    let fileId: string
    let expected: string
    let dir: string

    beforeAll(async () => {
      target = await kind.start()
      api = new Api(target)
      const data = bytes(SIZE, 64)
      expected = sha256(data)
      fileId = (await api.upload('big file.bin', data)).id
      dir = scratchDir('clients')
    })

    afterAll(async () => {
      await target?.stop()
      if (dir) removeScratch(dir)
    })

    const oneDownloadLink = () => api.issue(fileId, { maxDownloads: 1 })
    const downloads = async (id: string) => (await api.link(id)).downloads as number
    const statusOf = (url: string) => runClient('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url])

    test('curl downloads the whole file; the API counts one download; the next one gets 410', async () => {
      const link = await oneDownloadLink()
      const out = join(dir, 'curl-full.bin')
      await runClient('curl', ['-sS', '-f', '-o', out, link.downloadUrl])
      expect(await sha256File(out)).toBe(expected)
      expect(await downloads(link.id)).toBe(1)
      expect(await statusOf(link.downloadUrl)).toBe('410')
    })

    test('curl killed mid-way finishes with `curl -C -` without using another download', async () => {
      const link = await oneDownloadLink()
      const out = join(dir, 'curl-resumed.bin')
      const first = startClient('curl', ['-sS', '--limit-rate', THROTTLE, '-o', out, link.downloadUrl])
      const cutAt = await waitForSize(out, CUT_AT)
      first.child.kill('SIGKILL')
      expect(await first.exited).toBe('SIGKILL')
      expect(cutAt).toBeLessThan(SIZE)

      await runClient('curl', ['-sS', '-f', '-C', '-', '-o', out, link.downloadUrl])
      expect(await sha256File(out)).toBe(expected)
      expect(await downloads(link.id)).toBe(1)
      expect(await statusOf(link.downloadUrl)).toBe('410')
    })

    test('`curl -C -` succeeds while the interrupted transfer still looks alive to the server', async () => {
      // SIGSTOP freezes the first curl with its connection open: the server keeps
      // streaming into the socket until it fills, and never hears of an abort.
      // What it wrote into the socket left the server; the resume needs it given
      // back, within the 16 MiB allowance. Frozen after 256 KiB at 1 MB/s, its
      // receive buffer is still small: up to 10 MiB stayed unread on loopback
      // (up to 15 MiB after 1 MiB or at 2 MB/s), far from the end of the file.
      // The test checks the mechanism (trimming a live transfer), not TCP tuning.
      const link = await oneDownloadLink()
      const out = join(dir, 'curl-stalled.bin')
      const first = startClient('curl', ['-sS', '--limit-rate', THROTTLE, '-o', out, link.downloadUrl])
      await waitForSize(out, 256 * 1024)
      first.child.kill('SIGSTOP')
      try {
        await runClient('curl', ['-sS', '-f', '-C', '-', '-o', out, link.downloadUrl])
        expect(await sha256File(out)).toBe(expected)
        expect(await downloads(link.id)).toBe(1)
      } finally {
        first.child.kill('SIGKILL')
        await first.exited
      }
      expect(await statusOf(link.downloadUrl)).toBe('410')
    })

    test('`curl -OJ` saves under the name the sender gave, spelled in plain ASCII (curl reads only `filename`)', async () => {
      const small = await api.upload('draft.pdf', bytes(1000, 65), 'application/pdf')
      const link = await api.issue(small.id, { filename: 'Résumé 2026 – final.pdf' })
      const into = scratchDir('curl-oj')
      try {
        await runClient('curl', ['-sS', '-f', '-O', '-J', link.downloadUrl], into)
        expect(readdirSync(into)).toEqual(['Resume 2026 - final.pdf'])
      } finally {
        removeScratch(into)
      }
    })

    test('wget -c finishes a download cut mid-way without using another download', async () => {
      const link = await oneDownloadLink()
      const out = join(dir, 'wget.bin')
      const first = startClient('wget', ['-q', `--limit-rate=${THROTTLE.toLowerCase()}`, '-O', out, link.downloadUrl])
      await waitForSize(out, CUT_AT)
      first.child.kill('SIGKILL')
      await first.exited

      await runClient('wget', ['-q', '-c', '-O', out, link.downloadUrl])
      expect(await sha256File(out)).toBe(expected)
      expect(await downloads(link.id)).toBe(1)
      expect(await statusOf(link.downloadUrl)).toBe('410')
    })

    // aria2c's default --min-split-size (20M) splits 64 MiB in two; 1M lets it
    // open all four connections, three of them from the middle of the file
    // while the first one still streams.
    test.each([[[]], [['--min-split-size=1M']]])('aria2c -x4 -s4 %j succeeds on a one-download link, with no retry', async (extra) => {
      const link = await oneDownloadLink()
      const name = `aria2-${extra.length}.bin`
      const log = await runClient('aria2c', [
        '-x4',
        '-s4',
        ...extra,
        '--max-tries=1',
        '--no-conf',
        '--allow-overwrite=true',
        '--auto-file-renaming=false',
        '--file-allocation=none',
        '--summary-interval=0',
        '--console-log-level=warn',
        '-d',
        dir,
        '-o',
        name,
        link.downloadUrl,
      ])
      expect(log).toMatch(/download completed/i)
      expect(await sha256File(join(dir, name))).toBe(expected)
      expect(await downloads(link.id)).toBe(1)
      expect(await statusOf(link.downloadUrl)).toBe('410')
    })
  })
}
