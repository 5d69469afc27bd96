import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'

// What mail scanners, chat unfurlers and browsers' prefetchers do to a link
// before (or instead of) the person: none of it may consume a download.
const PREVIEWERS = {
  Slack: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  iMessage:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
  Teams: 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
  Outlook: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)',
  Gmail: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  'WhatsApp and Signal': 'WhatsApp/2.23.20.0 A',
  Telegram: 'TelegramBot (like TwitterBot)',
  Discord: 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  LinkedIn: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  Mastodon: 'http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)',
  Googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
}
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const PREFETCHES: Record<string, string>[] = [
  { 'sec-purpose': 'prefetch' },
  { 'sec-purpose': 'prefetch;prerender' },
  { 'sec-purpose': 'prefetch;anonymous-client-ip' },
  { purpose: 'prefetch' },
  { 'x-purpose': 'preview' },
  { 'x-moz': 'prefetch' },
]

/** Scanner safety (README), defined once, run on every target. */
export function defineScannerSuite(kind: TargetKind) {
  describe(`scanner safety, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start()
      api = new Api(target)
    })

    afterAll(async () => {
      await target?.stop()
    })

    const fetchAs = (url: string, userAgent: string, init: RequestInit = {}) =>
      fetch(url, { ...init, headers: { 'user-agent': userAgent, accept: 'text/html,*/*', ...(init.headers as Record<string, string>) } })

    /** Every address a crawler could pull out of the page: href, src, action, and URLs in meta content. */
    function addresses(html: string, base: string): string[] {
      const found = [...html.matchAll(/\b(?:href|src|action|content|poster|data)\s*=\s*"([^"]*)"/gi)].map((m) =>
        m[1]!.replaceAll('&amp;', '&'),
      )
      return found
        .filter((value) => /^(?:https?:|\/|\.\.?\/|\?)/.test(value))
        .map((value) => new URL(value, base).href)
        .filter((url) => url.startsWith(target.baseUrl))
    }

    test('previewers, crawlers and prefetchers never consume, and previews never show the file name', async () => {
      const file = await api.upload('Quarterly results (confidential).xlsx', 'numbers', 'application/vnd.ms-excel')
      const link = await api.issue(file.id, { maxDownloads: 1 })

      for (const [who, agent] of Object.entries(PREVIEWERS)) {
        for (const url of [link.url, link.downloadUrl]) {
          const page = await fetchAs(url, agent)
          expect(page.status, `${who} GET ${url}`).toBe(200)
          expect(page.headers.get('content-type')).toMatch(/^text\/html/)
          const html = await page.text()
          expect(html, who).not.toContain('Quarterly')
          expect(html).toMatch(/<title>A file has been shared with you<\/title>/)
          expect(html).toMatch(/<meta property="og:title" content="A file has been shared with you">/)
        }
        // A previewer's HEAD gets the page's headers: Content-Disposition would name the file.
        const head = await fetchAs(link.downloadUrl, agent, { method: 'HEAD' })
        expect(head.status).toBe(200)
        expect(head.headers.get('content-type')).toMatch(/^text\/html/)
        expect(head.headers.get('content-disposition')).toBeNull()
      }

      for (const headers of PREFETCHES) {
        const prefetched = await fetchAs(link.downloadUrl, BROWSER, { headers })
        expect(prefetched.status, JSON.stringify(headers)).toBe(200)
        expect(prefetched.headers.get('content-type')).toMatch(/^text\/html/)
        await prefetched.text()
        const page = await fetchAs(link.url, BROWSER, { headers })
        expect(page.status).toBe(200)
        await page.text()
      }

      // A crawler that reads the page as a person would see it and follows every
      // address in it, as a previewer and as a plain browser.
      const html = await (await fetchAs(link.url, BROWSER)).text()
      expect(html).toContain('Quarterly results (confidential).xlsx')
      const urls = addresses(html, link.url)
      expect(urls.some((url) => url.includes(`/d/${link.token}`))).toBe(true)
      for (const url of urls) {
        for (const agent of [BROWSER, PREVIEWERS.Outlook, 'node']) {
          const followed = await fetchAs(url, agent)
          expect(followed.status, `GET ${url} as ${agent}`).toBe(200)
          expect(followed.headers.get('content-type')).toMatch(/^text\/html/)
          await followed.text()
          expect((await fetchAs(url, agent, { method: 'HEAD' })).status).toBe(200)
        }
      }

      // Link checkers that sniff the start of a resource with a Range from byte 0.
      for (const url of urls) {
        const sniffed = await fetchAs(url, BROWSER, { headers: { range: 'bytes=0-1023' } })
        expect(sniffed.headers.get('content-type'), `sniffing ${url}`).toMatch(/^text\/html/)
        await sniffed.text()
      }

      for (let i = 0; i < 3; i++) {
        expect((await fetchAs(link.downloadUrl, BROWSER, { method: 'HEAD' })).status).toBe(200)
        expect((await fetchAs(link.url, BROWSER, { method: 'HEAD' })).status).toBe(200)
      }

      expect((await api.link(link.id)).downloads).toBe(0)
      // The person, finally: the form's POST downloads and counts once.
      const [action] = urls.filter((url) => url.includes(`/d/${link.token}`))
      const download = await fetchAs(action!, BROWSER, { method: 'POST' })
      expect(download.status).toBe(200)
      expect(await download.text()).toBe('numbers')
      expect((await api.link(link.id)).downloads).toBe(1)
    })
  })
}
