import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bytes } from '../../support/api'
import { CHROMIUM } from '../../support/chromium'
import { ROOT, startNodeService } from '../../support/node-service'
import { removeScratch, scratchDir } from '../../support/scratch'
import { SESSION_COOKIE, SessionClient } from '../../support/session'
import type { ServiceTarget } from '../../support/target'
import { throttleUploads } from './chromium'

/*
 * Every screen people see, saved at desktop (1280×800) and phone (390×844)
 * width, light and dark, under test-artifacts/app/ for a person to look at:
 * the app's screens (the links list kept to one owner too), the setup and
 * invite pages, and the recipient page in each of its states. Each screen
 * is also checked for what a person would notice first: no script error,
 * nothing wider than the screen.
 */

const ARTIFACTS = join(ROOT, 'test-artifacts', 'app')
const VARIANTS = [
  { name: 'desktop-light', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { name: 'desktop-dark', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light' },
  { name: 'phone-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' },
] as const
type Variant = (typeof VARIANTS)[number]

const ADMIN = { username: 'ada', password: 'correct horse battery' }
const OTHER = { username: 'carla', password: 'carla’s long passphrase' }
const MESSAGE = 'Here are the signed minutes of Tuesday’s board meeting. The appendix is on page 12.\n\nThanks, Ada'

describe('every screen, desktop and phone, light and dark (node+disk)', () => {
  let target: ServiceTarget
  let admin: SessionClient
  let browser: Browser
  let scratch: string
  let upload: string
  const errors: string[] = []
  const links: Record<string, string> = {}
  let setupUrl: string
  let inviteUrl: string

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    scratch = scratchDir('screens')
    upload = join(scratch, 'Site survey – north wing.mp4')
    writeFileSync(upload, bytes(24_000_000, 7))
    target = await startNodeService('disk', { env: { RATE_LIMIT: '0' } })
    browser = await chromium.launch(CHROMIUM)
    setupUrl = target.setupUrl()!
  })

  afterAll(async () => {
    await browser?.close()
    await target?.stop()
    if (scratch) removeScratch(scratch)
  })

  async function context(variant: Variant, signedIn: boolean): Promise<{ context: BrowserContext; page: Page }> {
    const made = await browser.newContext({
      viewport: variant.viewport,
      colorScheme: variant.colorScheme,
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
      acceptDownloads: true,
    })
    if (signedIn) await made.addCookies([{ name: SESSION_COOKIE, value: admin.cookie, url: target.baseUrl }])
    const page = await made.newPage()
    page.on('pageerror', (error) => errors.push(`${variant.name}: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded'))
        errors.push(`${variant.name}: ${message.text()}`)
    })
    return { context: made, page }
  }

  async function shoot(page: Page, variant: Variant, name: string): Promise<void> {
    // A note from the screen before would cover this one; a whole-page picture needs the top bar at the top.
    await expect.poll(() => page.locator('.toast.shown').count(), { timeout: 10_000 }).toBe(0)
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.evaluate(() => document.fonts.ready)
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} fits ${variant.name}`).toBeLessThanOrEqual(
      variant.viewport.width,
    )
    // A phone shows one screenful, with its tab bar fixed at the bottom as a person sees it; a desktop the whole page.
    const phone = variant.viewport.width < 600
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${variant.name}.png`), fullPage: !phone })
  }

  const shown = (page: Page, screen: string) =>
    expect.poll(() => page.locator(`#screen-${screen}`).isVisible(), { timeout: 15_000 }).toBe(true)

  test('the setup page; the first admin, and data in every state the lists show', async () => {
    for (const variant of VARIANTS) {
      const { context: made, page } = await context(variant, false)
      await page.goto(setupUrl)
      await shoot(page, variant, 'setup')
      await made.close()
    }
    // The first admin, made through the setup page's own form.
    const setup = await fetch(setupUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(target.baseUrl).origin },
      body: new URLSearchParams(ADMIN),
      redirect: 'manual',
    })
    expect(setup.status).toBe(303)
    admin = await SessionClient.signIn(target, ADMIN.username, ADMIN.password)
    const invited = await admin.json('POST', '/api/v1/users', { json: { username: 'bruno', role: 'user' } }, 201)
    inviteUrl = invited.inviteUrl
    await admin.json('POST', '/api/v1/keys', { json: { name: 'nightly backup', role: 'user' } }, 201)
    await admin
      .json('POST', '/api/v1/keys', { json: { name: 'old laptop', role: 'admin' } }, 201)
      .then((key) => admin.request('DELETE', `/api/v1/keys/${key.id}`))

    // Files and links in every state the lists show, shared by the admin (the recipient page names them).
    const api = {
      upload: (name: string, data: Uint8Array<ArrayBuffer>, type: string) =>
        admin.json('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, { body: data, headers: { 'content-type': type } }, 201),
      issue: (fileId: string, options: Record<string, unknown>) =>
        admin.json('POST', '/api/v1/links', { json: { fileId, expiresIn: 3600, ...options } }, 201),
      request: (method: string, path: string) => admin.request(method, path),
    }
    const report = await api.upload('Quarterly report 2026.pdf', bytes(2_400_000, 3), 'application/pdf')
    const photos = await api.upload('Holiday photos.zip', bytes(3_800_000, 4), 'application/zip')
    const budget = await api.upload('budget.xlsx', bytes(80_000, 5), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const minutes = await api.upload(
      'Board minutes – 12 May.docx',
      bytes(140_000, 6),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    const used = await api.issue(report.id, { maxDownloads: 3, expiresIn: '7d' })
    await fetch(used.downloadUrl).then((response) => response.arrayBuffer())
    await api.issue(photos.id, { maxDownloads: 1, expiresIn: '1d' }).then((link) => fetch(link.downloadUrl).then((r) => r.arrayBuffer()))
    const revoked = await api.issue(budget.id, { maxDownloads: 10, expiresIn: '30d' })
    await api.request('DELETE', `/api/v1/links/${revoked.id}`)
    const later = await api.issue(budget.id, {
      maxDownloads: 2,
      expiresIn: '2d',
      notBefore: new Date(Date.now() + 5 * 3600_000).toISOString(),
    })
    const normal = await api.issue(report.id, { maxDownloads: 10, expiresIn: '26h' })
    const message = await api.issue(minutes.id, { maxDownloads: 3, expiresIn: '7d', message: MESSAGE })
    const locked = await api.issue(minutes.id, { maxDownloads: 3, expiresIn: '7d', password: 'open sesame 2026' })
    const expired = await api.issue(report.id, { expiresIn: 1 })
    // Another person's work, so that the lists name owners and offer to keep to one.
    await admin.json('POST', '/api/v1/users', { json: { ...OTHER, role: 'user' } }, 201)
    const other = await SessionClient.signIn(target, OTHER.username, OTHER.password)
    for (const [name, size, type] of [
      ['Kitchen plans – v3.pdf', 1_200_000, 'application/pdf'],
      ['Tiles.jpg', 640_000, 'image/jpeg'],
    ] as const) {
      const file = await other.json(
        'POST',
        `/api/v1/files?name=${encodeURIComponent(name)}`,
        { body: bytes(size, 8), headers: { 'content-type': type } },
        201,
      )
      await other.json('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: '7d', maxDownloads: 5 } }, 201)
    }
    Object.assign(links, {
      normal: normal.url,
      message: message.url,
      locked: locked.url,
      later: later.url,
      revoked: revoked.url,
      expired: expired.url,
    })
    expect(errors).toEqual([])
  })

  test.each(VARIANTS)(
    'the app’s screens at $name',
    async (variant) => {
      const { context: signedOut, page: outside } = await context(variant, false)
      await outside.goto(target.baseUrl)
      await expect.poll(() => outside.locator('#signin-view').isVisible(), { timeout: 15_000 }).toBe(true)
      await shoot(outside, variant, 'sign-in')
      await outside.goto(inviteUrl)
      await shoot(outside, variant, 'invite')
      await signedOut.close()

      const { context: made, page } = await context(variant, true)
      await page.goto(`${target.baseUrl}/#/share`)
      await shown(page, 'share')
      await shoot(page, variant, 'share')

      // An upload under way, then the link it makes.
      await throttleUploads(page, 6_000_000)
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Choose files' }).click()])
      await chooser.setFiles(upload)
      await expect.poll(() => page.locator('#upload-list .upload-status').textContent(), { timeout: 15_000 }).toMatch(/left$/)
      await page.locator('#more-options summary').click()
      await page.locator('#link-message').fill('The survey from Monday. Tell me if the sound is off.')
      await shoot(page, variant, 'upload-in-progress')
      await page.getByRole('button', { name: 'Create link' }).click()
      await expect.poll(() => page.locator('.result h2').first().textContent(), { timeout: 30_000 }).toBe('Your link is ready')
      await page.mouse.move(0, 0)
      await shoot(page, variant, 'link-created')

      for (const screen of ['links', 'files', 'keys', 'users', 'account']) {
        await page.goto(`${target.baseUrl}/#/${screen}`)
        await shown(page, screen)
        await expect.poll(() => page.locator(`#screen-${screen} [aria-busy]`).count()).toBe(0)
        if (screen !== 'account')
          await expect.poll(() => page.locator(`#${screen}-body tr`).count(), { timeout: 15_000 }).toBeGreaterThan(0)
        await shoot(page, variant, screen)
        if (screen === 'links') {
          // The admin keeps the list to one person's links.
          await page.locator('#screen-links').getByLabel('Owner').selectOption({ label: OTHER.username })
          await expect.poll(() => page.locator('#links-body tr').count(), { timeout: 15_000 }).toBe(2)
          await shoot(page, variant, 'links-by-owner')
          await page.locator('#screen-links').getByLabel('Owner').selectOption({ label: 'Everyone' })
        }
      }
      await made.close()
      expect(errors).toEqual([])
    },
    120_000,
  )

  test.each(VARIANTS)(
    'the recipient page in each of its states at $name',
    async (variant) => {
      const { context: made, page } = await context(variant, false)
      for (const [state, url] of [
        ['recipient', links.normal],
        ['recipient-message', links.message],
        ['recipient-password', links.locked],
        ['recipient-not-yet-valid', links.later],
        ['recipient-expired', links.expired],
        ['recipient-revoked', links.revoked],
      ] as const) {
        await page.goto(url!)
        await shoot(page, variant, state)
      }
      await page.goto(links.normal!)
      await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()])
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toMatch(/^Your download has started\./)
      await shoot(page, variant, 'recipient-download-started')
      await made.close()
      expect(errors).toEqual([])
    },
    120_000,
  )
})
