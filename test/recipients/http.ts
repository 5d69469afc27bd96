import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'

const HTML = { accept: 'text/html,application/xhtml+xml' }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const buffer = async (response: Response) => Buffer.from(await response.arrayBuffer())
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/**
 * The token with one character of its signature changed for certain. (Its last
 * characters hold the top bits of an EdDSA signature's S, nearly always zero:
 * replacing them with "AAA" left about one token in 2,000 unchanged, and valid.)
 */
function tampered(token: string): string {
  const at = token.length - 20
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`
}

/** The file name a client would save, from Content-Disposition's filename*. */
function savedName(disposition: string): string {
  return decodeURIComponent(/filename\*=UTF-8''([^;]*)$/.exec(disposition)![1]!)
}

/**
 * What a recipient's HTTP client sees of /s/ and /d/ beyond the contract:
 * validators, ranges, file names, the landing page, error pages, races and
 * the resume grace. Defined once, run on every target.
 */
export function defineRecipientHttpSuite(kind: TargetKind) {
  describe(`recipient HTTP, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start()
      api = new Api(target)
    })

    afterAll(async () => {
      await target?.stop()
    })

    const downloads = async (id: string) => (await api.link(id)).downloads as number

    test('a strong ETag; If-None-Match answers 304 without consuming, with weak comparison', async () => {
      const file = await api.upload('etag.bin', bytes(5000, 3))
      const link = await api.issue(file.id, { maxDownloads: 2 })
      const etag = (await fetch(link.downloadUrl, { method: 'HEAD' })).headers.get('etag')!
      expect(etag).toMatch(/^"[^"]+"$/)
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const response = await fetch(link.downloadUrl, { headers: { 'if-none-match': header } })
        expect(response.status, header).toBe(304)
        expect(response.headers.get('etag')).toBe(etag)
        expect(await response.text()).toBe('')
      }
      expect(await downloads(link.id)).toBe(0)
      const full = await fetch(link.downloadUrl, { headers: { 'if-none-match': '"stale"' } })
      expect(full.status).toBe(200)
      expect(full.headers.get('etag')).toBe(etag)
      await full.arrayBuffer()
      expect(await downloads(link.id)).toBe(1)
    })

    test('If-Range: the current ETag keeps the range, anything else sends the whole file', async () => {
      const data = bytes(10_000, 4)
      const file = await api.upload('if-range.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 4 })
      const etag = (await fetch(link.downloadUrl, { method: 'HEAD' })).headers.get('etag')!
      const first = await fetch(link.downloadUrl, { headers: { range: 'bytes=0-999' } })
      expect(first.status).toBe(206)
      await first.arrayBuffer()

      const kept = await fetch(link.downloadUrl, { headers: { range: 'bytes=1000-', 'if-range': etag } })
      expect(kept.status).toBe(206)
      expect(await buffer(kept)).toEqual(Buffer.from(data.subarray(1000)))
      expect(await downloads(link.id)).toBe(1)

      for (const validator of ['"old-version"', `W/${etag}`, 'Sun, 29 Nov 2026 12:00:00 GMT']) {
        const whole = await fetch(link.downloadUrl, { headers: { range: 'bytes=5000-', 'if-range': validator } })
        expect(whole.status, validator).toBe(200)
        expect(whole.headers.get('content-range')).toBeNull()
        expect(await buffer(whole)).toEqual(Buffer.from(data))
      }
      // Each whole answer was a fresh download.
      expect(await downloads(link.id)).toBe(4)
    })

    test('suffix ranges are resolved against the size; several ranges get one 200; unsatisfiable ones 416', async () => {
      const data = bytes(10_000, 5)
      const file = await api.upload('suffix.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 3 })
      for (const range of ['bytes=-0', 'bytes=10000-', 'bytes=99999-100000']) {
        const refused = await fetch(link.downloadUrl, { headers: { range } })
        expect([range, refused.status]).toEqual([range, 416])
        expect(refused.headers.get('content-range')).toBe('bytes */10000')
        await refused.text()
      }
      expect(await downloads(link.id)).toBe(0)

      const tail = await fetch(link.downloadUrl, { headers: { range: 'bytes=-100' } })
      expect(tail.status).toBe(206)
      expect(tail.headers.get('content-range')).toBe('bytes 9900-9999/10000')
      expect(tail.headers.get('content-length')).toBe('100')
      expect(await buffer(tail)).toEqual(Buffer.from(data.subarray(9900)))
      // Nobody had downloaded yet: the first request counts, wherever it starts.
      expect(await downloads(link.id)).toBe(1)

      const larger = await fetch(link.downloadUrl, { headers: { range: 'bytes=-20000' } })
      expect(larger.status).toBe(206)
      expect(larger.headers.get('content-range')).toBe('bytes 0-9999/10000')
      expect(await buffer(larger)).toEqual(Buffer.from(data))
      expect(await downloads(link.id)).toBe(2)

      const several = await fetch(link.downloadUrl, { headers: { range: 'bytes=0-10, 20-30' } })
      expect(several.status).toBe(200)
      expect(several.headers.get('content-type')).toBe('application/octet-stream')
      expect(await buffer(several)).toEqual(Buffer.from(data))
      expect(await downloads(link.id)).toBe(3)
    })

    test('416 carries Content-Range and consumes nothing; HEAD with a range answers the 206 headers', async () => {
      const file = await api.upload('416.bin', bytes(1000, 6))
      const link = await api.issue(file.id)
      const beyond = await fetch(link.downloadUrl, { headers: { range: 'bytes=1000-' } })
      expect(beyond.status).toBe(416)
      expect(beyond.headers.get('content-range')).toBe('bytes */1000')
      await beyond.text()
      const head = await fetch(link.downloadUrl, { method: 'HEAD', headers: { range: 'bytes=100-199' } })
      expect(head.status).toBe(206)
      expect(head.headers.get('content-range')).toBe('bytes 100-199/1000')
      expect(head.headers.get('content-length')).toBe('100')
      expect(await downloads(link.id)).toBe(0)
    })

    test.each([
      ['quotes', 'say "hi" to \'them\'.txt', 'say "hi" to \'them\'.txt'],
      ['CR/LF', 'line\r\nSet-Cookie: stolen=1.txt', 'lineSet-Cookie: stolen=1.txt'],
      ['slashes', '../../etc/passwd', '_.._etc_passwd'],
      ['backslashes', 'C:\\Users\\me\\notes.txt', 'C:_Users_me_notes.txt'],
      ['RTL override', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
      ['bidi isolates and marks', '\u2067report\u2069\u200F.pdf', 'report.pdf'],
      ['emoji', 'party 🎉 plan.md', 'party 🎉 plan.md'],
      ['non-Latin', 'отчёт 2026.pdf', 'отчёт 2026.pdf'],
    ])('Content-Disposition is safe and exact for %s', async (_, name, expected) => {
      const file = await api.upload(name, 'x')
      const response = await fetch((await api.issue(file.id)).downloadUrl)
      const disposition = response.headers.get('content-disposition')!
      await response.arrayBuffer()
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/)
      expect(/filename="([^"]*)"/.exec(disposition)![1]).not.toMatch(/["\\]/)
      expect(savedName(disposition)).toBe(expected)
    })

    test("the link's filename override is what the recipient sees and saves", async () => {
      const file = await api.upload('internal-2026-Q3-draft.bin', 'x')
      const link = await api.issue(file.id, { filename: 'Résumé \u202Efinal 🎓.pdf' })
      const page = await (await fetch(link.url, { headers: HTML })).text()
      expect(page).toContain('Résumé final 🎓.pdf')
      expect(page).not.toContain('internal-2026')
      const response = await fetch(link.downloadUrl)
      await response.arrayBuffer()
      expect(savedName(response.headers.get('content-disposition')!)).toBe('Résumé final 🎓.pdf')
    })

    test('the landing page: what it shows, one POST button, strict headers, only its hashed script', async () => {
      const file = await api.upload('plans <b>&<b> "drafts".pdf', bytes(1_500_000, 7), 'application/pdf')
      const link = await api.issue(file.id, { maxDownloads: 2, expiresIn: '3d' })
      const response = await fetch(link.url, { headers: HTML })
      expect(response.status).toBe(200)
      const h = response.headers
      const csp = h.get('content-security-policy')!
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("default-src 'none'")
      expect(csp).not.toMatch(/'unsafe-inline'[^;]*;?\s*$|script-src[^;]*'unsafe-inline'/)
      expect(h.get('referrer-policy')).toBe('no-referrer')
      expect(h.get('x-robots-tag')).toMatch(/noindex/)
      expect(h.get('cache-control')).toBe('private, no-store')
      expect(h.get('x-content-type-options')).toBe('nosniff')

      const html = await response.text()
      expect(html).toContain('<meta name="robots" content="noindex')
      expect(html).toContain('<meta name="viewport"')
      expect(html).toContain('<html lang="en">')
      expect(html).toContain('plans &lt;b&gt;&amp;&lt;b&gt; &quot;drafts&quot;.pdf')
      expect(html).toContain('1.5 MB')
      const expires = new Date(link.expiresAt).toISOString()
      expect(html).toContain(`datetime="${expires}"`)
      expect(html).toContain(`${expires.slice(0, 10)} ${expires.slice(11, 16)} UTC`)
      expect(html).toContain('in 3 days')
      expect(html).toMatch(/Downloads left<\/dt>\s*<dd[^>]*>2 of 2</)
      expect(html.match(/<form/g)).toHaveLength(1)
      expect(html.match(/<button/g)).toHaveLength(1)
      expect(html).toMatch(new RegExp(`<form method="post" action="[^"]*/d/${link.token}[^"]*">`))
      // Nothing from elsewhere, no inline handlers, and every inline script allowed by its hash.
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//)
      expect(html).not.toMatch(/\son[a-z]+=/i)
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
      expect(scripts.length).toBe(1)
      for (const script of scripts) {
        expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`)
      }
      expect(await downloads(link.id)).toBe(0)
    })

    test('every recipient error has its page on /s/ and /d/: same status, a plain sentence, no button', async () => {
      const file = await api.upload('errors.txt', 'e')
      const gone = await api.upload('gone.txt', 'g')
      const used = await api.issue(file.id)
      await (await fetch(used.downloadUrl)).text()
      const revoked = await api.issue(file.id)
      await api.request('DELETE', `/api/v1/links/${revoked.id}`)
      const early = await api.issue(file.id, { notBefore: new Date(Date.now() + 3_600_000).toISOString(), expiresIn: '2h' })
      const deleted = await api.issue(gone.id)
      await api.request('DELETE', `/api/v1/files/${gone.id}`)
      const expired = await api.issue(file.id, { expiresIn: 1 })
      await sleep(Date.parse(expired.expiresAt) - Date.now() + 100)

      const cases: [string, string, number, RegExp][] = [
        [used.token, 'download_limit_reached', 410, /used as many times/],
        [revoked.token, 'link_revoked', 410, /withdrawn/],
        [early.token, 'link_not_yet_valid', 403, /not active yet/],
        [deleted.token, 'file_gone', 410, /deleted/],
        [expired.token, 'link_expired', 410, /expired/],
        [tampered(used.token), 'invalid_token', 403, /not valid/],
        ['not-a-token', 'invalid_token', 403, /not valid/],
      ]
      for (const [token, code, status, sentence] of cases) {
        for (const [method, path] of [
          ['GET', 's'],
          ['GET', 'd'],
          ['POST', 'd'],
        ] as const) {
          const url = `${target.baseUrl}/${path}/${token}`
          const page = await fetch(url, { method, headers: HTML })
          expect([code, method, path, page.status]).toEqual([code, method, path, status])
          expect(page.headers.get('content-type')).toMatch(/^text\/html/)
          expect(page.headers.get('x-robots-tag')).toMatch(/noindex/)
          expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
          const html = await page.text()
          expect(html).toMatch(sentence)
          expect(html).not.toMatch(/<form|<button/i)
          expect(html).not.toMatch(/at \w+ \(|node_modules|Error:|\.ts:\d|SQLITE|stack/i)
          expect(html).not.toContain('errors.txt')
          const text = html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<[^>]+>/g, ' ')
          expect(text, 'no status jargon for people').not.toMatch(/HTTP|\b4\d\d\b/)
          const problem = await fetch(url, { method, headers: { accept: '*/*' } })
          expect(problem.status).toBe(status)
          expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/)
          expect((await problem.json()).code).toBe(code)
        }
      }
    })

    test("a link that is not valid yet says when it opens, in UTC and with the viewer's time beside it", async () => {
      const file = await api.upload('later.txt', 'later')
      const opens = new Date(Date.now() + 5 * 3_600_000 + 30_000)
      const link = await api.issue(file.id, { notBefore: opens.toISOString(), expiresIn: '1d' })
      const page = await fetch(link.url, { headers: HTML })
      expect(page.status).toBe(403)
      const html = await page.text()
      const iso: string = link.notBefore
      expect(html).toContain(
        `<time datetime="${iso}" data-local="local-opening">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>, in 5 hours`,
      )
      expect(html).not.toContain('later.txt')
      expect(html).not.toMatch(/<form|<button/i)
      expect(await downloads(link.id)).toBe(0)
    })

    test('100 simultaneous GETs, POSTs and `bytes=0-` requests for the last download: exactly one wins', async () => {
      const data = bytes(50_000, 8)
      const file = await api.upload('race.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 1 })
      const requests = Array.from({ length: 100 }, (_, i) =>
        fetch(link.downloadUrl, i % 3 === 0 ? { method: 'POST' } : i % 3 === 1 ? { headers: { range: 'bytes=0-' } } : {}),
      )
      const responses = await Promise.all(requests)
      const bodies = await Promise.all(responses.map((r) => buffer(r)))
      const winners = responses.map((r, i) => [r.status, i] as const).filter(([status]) => status === 200 || status === 206)
      expect(winners).toHaveLength(1)
      expect(responses.filter((r) => r.status === 410)).toHaveLength(99)
      expect(bodies[winners[0]![1]]).toEqual(Buffer.from(data))
      expect(await downloads(link.id)).toBe(1)
    })
  })

  describe.each([3, 0])(`RESUME_GRACE on ${kind.name}, %i s`, (grace) => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start({ env: { RESUME_GRACE: String(grace) } })
      api = new Api(target)
    })

    afterAll(async () => {
      await target?.stop()
    })

    test(
      grace > 0
        ? 'a transfer begun before expiry may be resumed during the grace, new downloads may not'
        : 'with 0, nothing is served after expiry',
      async () => {
        // Larger than what loopback's socket buffers hold (up to 32 MiB
        // received and 4 MiB sent here): the server cannot hand the whole file
        // to the network before the client cancels, so the first transfer is
        // cut, not complete (docs/counting.md, "What a cut client can resume").
        const data = bytes(64 * 1024 * 1024, 9)
        const file = await api.upload('grace.bin', data)
        const link = await api.issue(file.id, { expiresIn: 2, maxDownloads: 2 })
        const first = await fetch(link.downloadUrl)
        expect(first.status).toBe(200)
        const reader = first.body!.getReader()
        const head = (await reader.read()).value!
        await reader.cancel()
        const expiresAt = Date.parse(link.expiresAt)
        await sleep(expiresAt - Date.now() + 150)

        const resume = () => fetch(link.downloadUrl, { headers: { range: `bytes=${head.byteLength}-` } })
        const page = await fetch(link.url, { headers: HTML })
        expect(page.status).toBe(410)
        expect(await page.text()).toMatch(/expired/)
        const fresh = await fetch(link.downloadUrl)
        expect(fresh.status).toBe(410)
        expect((await fresh.json()).code).toBe('link_expired')
        if (grace > 0) {
          const resumed = await resume()
          expect(resumed.status).toBe(206)
          expect(sha256(Buffer.concat([Buffer.from(head), await buffer(resumed)]))).toBe(sha256(data))
          expect(await api.link(link.id)).toMatchObject({ downloads: 1, status: 'expired' })
          await sleep(expiresAt + grace * 1000 - Date.now() + 150)
        }
        const late = await resume()
        expect(late.status).toBe(410)
        expect((await late.json()).code).toBe('link_expired')
        expect((await api.link(link.id)).downloads).toBe(1)
      },
    )
  })
}
