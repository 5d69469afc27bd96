import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { CHROMIUM } from '../support/chromium'
import { sha256, sha256File } from '../support/clients'
import { ROOT, startNodeService } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'

// Debian's chromium, driven by playwright-core, against the real Node entry:
// what a recipient sees and does. Screenshots go to test-artifacts/.
const ARTIFACTS = join(ROOT, 'test-artifacts')

describe('the landing page in a real browser', () => {
  let target: ServiceTarget
  let api: Api
  let profiles: string
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    profiles = scratchDir('chromium')
    target = await startNodeService('disk')
    api = new Api(target)
  })

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await target?.stop()
    if (profiles) removeScratch(profiles)
  })

  /**
   * A fresh browser profile (its own --user-data-dir). The page collects
   * script errors and console errors other than the status of a loaded
   * document (an error page's 410, the favicon's 404): a CSP violation lands there.
   */
  async function open(options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}) {
    const context = await chromium.launchPersistentContext(join(profiles, `profile-${contexts.length}`), {
      ...CHROMIUM,
      acceptDownloads: true,
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
      viewport: options.viewport ?? { width: 1024, height: 720 },
      javaScriptEnabled: options.javaScriptEnabled ?? true,
    })
    contexts.push(context)
    const page = context.pages()[0] ?? (await context.newPage())
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded'))
        errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    return { page, errors }
  }

  const field = (page: Page, name: string) => page.locator(`dt:text-is("${name}") + dd`)

  async function clickDownload(page: Page, saveAs: string) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()])
    await download.saveAs(saveAs)
    expect(await download.failure()).toBeNull()
    return download
  }

  test('shows the file, downloads it with one click, counts exactly one, and a reload shows the new count', async () => {
    const data = bytes(3 * 1024 * 1024 + 17, 31)
    const file = await api.upload('Résumé 2026 – final.pdf', data, 'application/pdf')
    const link = await api.issue(file.id, { maxDownloads: 2, expiresIn: '26h' })
    const { page, errors } = await open()

    const response = await page.goto(link.url)
    expect(response!.status()).toBe(200)
    expect(await page.title()).toBe('A file has been shared with you')
    await expect.poll(() => page.locator('h1').textContent()).toBe('Résumé 2026 – final.pdf')
    expect(await field(page, 'Size').textContent()).toBe('3.1 MB')
    const expires = new Date(link.expiresAt).toISOString()
    const expiry = await field(page, 'Expires').textContent()
    expect(expiry).toContain(`${expires.slice(0, 10)} ${expires.slice(11, 16)} UTC`)
    expect(expiry).toMatch(/in 26 hours/)
    // The hashed script ran under the CSP: the viewer's own time zone is shown.
    await expect.poll(() => page.locator('#local-expiry').isVisible()).toBe(true)
    expect(await page.locator('#local-expiry').textContent()).toMatch(/^Your time: .*(CET|CEST|GMT\+1|GMT\+2)/)
    expect(await field(page, 'Downloads left').textContent()).toBe('2 of 2')
    expect(await page.getByRole('button').count()).toBe(1)
    expect(await page.locator('a[href]').count()).toBe(0)
    await page.screenshot({ path: join(ARTIFACTS, 'landing.png'), fullPage: true })

    const saved = join(profiles, 'saved.pdf')
    const download = await clickDownload(page, saved)
    expect(download.suggestedFilename()).toBe('Résumé 2026 – final.pdf')
    expect(await sha256File(saved)).toBe(sha256(data))
    expect((await api.link(link.id)).downloads).toBe(1)
    // Without a reload: the page says the download started and shows the new count.
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Your download has started\..*1 of 2 downloads left\.$/)
    expect(await field(page, 'Downloads left').textContent()).toBe('1 of 2')
    expect(await page.getByRole('button').textContent()).toBe('Download again')
    await page.screenshot({ path: join(ARTIFACTS, 'landing-started.png'), fullPage: true })
    expect((await api.link(link.id)).downloads).toBe(1)

    await page.reload()
    expect(await field(page, 'Downloads left').textContent()).toBe('1 of 2')
    expect(errors).toEqual([])
  })

  test('works without JavaScript, and fits a phone screen', async () => {
    const data = bytes(200_000, 32)
    const file = await api.upload('no-script.bin', data)
    const link = await api.issue(file.id, { maxDownloads: 1 })
    const { page, errors } = await open({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } })
    expect((await page.goto(link.url))!.status()).toBe(200)
    expect(await page.locator('#local-expiry').isVisible()).toBe(false)
    expect(await field(page, 'Expires').textContent()).toMatch(/UTC, in (59|60) minutes/)
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(ARTIFACTS, 'landing-phone-no-js.png'), fullPage: true })
    const saved = join(profiles, 'no-script.bin')
    await clickDownload(page, saved)
    expect(await sha256File(saved)).toBe(sha256(data))
    expect((await api.link(link.id)).downloads).toBe(1)
    // The one download is used: the page now says so, with its status and no button.
    const after = await page.reload()
    expect(after!.status()).toBe(410)
    expect(await page.locator('h1').textContent()).toBe('This link has been used up')
    expect(await page.getByRole('button').count()).toBe(0)
    expect(errors).toEqual([])
  })

  test('an expired and a revoked link show their pages with status 410 and no button', async () => {
    const file = await api.upload('gone.txt', 'gone')
    const expired = await api.issue(file.id, { expiresIn: 1 })
    const revoked = await api.issue(file.id)
    await api.request('DELETE', `/api/v1/links/${revoked.id}`)
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expired.expiresAt) - Date.now() + 100))
    const { page, errors } = await open()

    for (const [link, title, sentence, shot] of [
      [expired, 'This link has expired', /has expired/, 'error-expired.png'],
      [revoked, 'This link was withdrawn', /withdrawn/, 'error-revoked.png'],
    ] as const) {
      for (const url of [link.url, link.downloadUrl]) {
        const response = await page.goto(url)
        expect(response!.status()).toBe(410)
        expect(await page.locator('h1').textContent()).toBe(title)
        expect(await page.locator('[role=alert]').textContent()).toMatch(sentence)
        expect(await page.getByRole('button').count()).toBe(0)
        expect(await page.locator('form').count()).toBe(0)
      }
      await page.goto(link.url)
      await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true })
    }
    expect(errors).toEqual([])
  })
})
