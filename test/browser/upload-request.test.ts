import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { CHROMIUM } from '../support/chromium'
import { sha256 } from '../support/clients'
import { nodeDisk, ROOT } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'
import { worker } from '../support/worker-service'
import { throttleUploads } from './app/chromium'

// Debian's chromium, driven by playwright-core, on an upload request's page
// (/u/<token>), on Node and on the Worker: a person without an account sends
// files with progress, cancels one, reloads mid-upload and resumes, meets the
// request's limits and its closed, expired and full states, and the owner
// finds the files through the API. Screenshots go to test-artifacts/.
const ARTIFACTS = join(ROOT, 'test-artifacts')
const MIB = 1024 * 1024
const PART = 5 * MIB

describe.each([nodeDisk, worker])('the upload request page in a real browser ($name)', (kind) => {
  let target: ServiceTarget
  let owner: Api
  let dir: string
  let browser: Browser
  let opened: { close(): Promise<void> }[] = []

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    dir = scratchDir('upload-page')
    target = await kind.start({ env: { RATE_LIMIT: '0', UPLOAD_PART_SIZE: String(PART) } })
    owner = await new Api(target).createKey('user', 'owner')
    browser = await chromium.launch(CHROMIUM)
    // The Worker's first start migrates a local D1 with wrangler: minutes on a loaded machine.
  }, 300_000)

  afterEach(async () => {
    for (const context of opened) await context.close()
    opened = []
  })

  afterAll(async () => {
    await browser?.close()
    await target?.stop()
    if (dir) removeScratch(dir)
  })

  /** A fresh browser context (its own localStorage) with a page, and the page's script and console errors. */
  async function open(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}) {
    const context = await browser.newContext({
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
    })
    opened.push(context)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded'))
        errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    return { page, errors }
  }

  function file(name: string, size: number, seed: number) {
    const data = bytes(size, seed)
    const path = join(dir, name)
    writeFileSync(path, data)
    return { path, data }
  }

  function newRequest(json: Record<string, unknown>) {
    return owner.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1d', ...json } }, 201)
  }

  const item = (page: Page, name: string) => page.locator('#queue li', { hasText: name })
  const status = (page: Page, name: string, text: string | RegExp) => item(page, name).locator('.status', { hasText: text })
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `upload-request-${name}-${kind.runtime}.png`), fullPage: true })

  test('sends a large file in parts and a small one in one request, with progress; the owner gets both', async () => {
    const request = await newRequest({
      maxFiles: 5,
      maxBytes: 100 * MIB,
      message: 'Hello! Please send the <b>site photos</b> from Tuesday.',
    })
    const large = file('photos.zip', 4 * PART + 12_345, 3)
    const small = file('notes.txt', 20_000, 4)
    const { page, errors } = await open()
    await page.goto(request.url)
    await expect(page.locator('#message').textContent()).resolves.toBe('Hello! Please send the <b>site photos</b> from Tuesday.')
    await expect(page.locator('#files-left').textContent()).resolves.toBe('up to 5 more')
    await throttleUploads(page, 4 * MIB)

    // Every value the progress bar took, as the page shows it.
    await page.evaluate(() => {
      const seen: number[] = []
      ;(window as unknown as { seen: number[] }).seen = seen
      new MutationObserver(() => {
        const bar = document.querySelector<HTMLProgressElement>('#queue progress')
        if (bar) seen.push(bar.value / bar.max)
      }).observe(document.getElementById('queue')!, { subtree: true, childList: true, attributes: true, characterData: true })
    })
    await page.setInputFiles('#files', [large.path, small.path])
    await status(page, 'photos.zip', /MB\/s/).waitFor({ timeout: 60_000 })
    await shot(page, 'progress')
    await status(page, 'photos.zip', /^Sent/).waitFor({ timeout: 120_000 })
    await status(page, 'notes.txt', /^Sent/).waitFor({ timeout: 60_000 })
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen)
    expect(seen.some((fraction) => fraction > 0.1 && fraction < 0.9)).toBe(true)
    // What the request still takes, counted down as files go.
    await expect(page.locator('#files-left').textContent()).resolves.toBe('up to 3 more')
    expect(errors).toEqual([])

    const files = (await owner.json('GET', '/api/v1/files')).items
    const byName = Object.fromEntries(files.map((f: { name: string }) => [f.name, f]))
    expect(byName['photos.zip']).toMatchObject({ size: large.data.length, sha256: sha256(large.data), uploadRequestId: request.id })
    expect(byName['notes.txt']).toMatchObject({
      size: small.data.length,
      sha256: sha256(small.data),
      uploadRequestId: request.id,
      contentType: 'text/plain',
    })
    expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({
      files: 2,
      bytes: large.data.length + small.data.length,
    })
  }, 180_000)

  test('cancels an upload: its parts are discarded and its place given back', async () => {
    const request = await newRequest({ maxFiles: 1 })
    const big = file('cancelled.bin', 6 * PART, 5)
    const { page, errors } = await open()
    await page.goto(request.url)
    await throttleUploads(page, 2 * MIB)
    await page.setInputFiles('#files', big.path)
    await status(page, 'cancelled.bin', /MB\/s/).waitFor({ timeout: 60_000 })
    await item(page, 'cancelled.bin').getByRole('button', { name: 'Cancel' }).click()
    await status(page, 'cancelled.bin', 'Cancelled.').waitFor({ timeout: 60_000 })
    await expect
      .poll(async () => (await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).pendingFiles, { timeout: 20_000 })
      .toBe(0)
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fuselink.upload.')))).toEqual([])
    await expect(page.locator('#files-left').textContent()).resolves.toBe('up to 1 more')
    expect(errors).toEqual([])
  }, 120_000)

  test('resumes after a reload, even when the upload holds the last place: only the parts that did not arrive go again', async () => {
    // One file asked for: the unfinished upload holds the request's only place while the page reloads.
    const request = await newRequest({ maxFiles: 1 })
    const big = file('video.mp4', 6 * PART + 1000, 6)
    const { page, errors } = await open()
    await page.goto(request.url)
    await throttleUploads(page, 6 * MIB)
    const parts: number[] = []
    page.on('requestfinished', (sent) => {
      const match = /\/parts\/(\d+)$/.exec(sent.url())
      if (match) parts.push(Number(match[1]))
    })
    await page.setInputFiles('#files', big.path)
    await expect.poll(() => parts.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
    const reloaded = await page.reload()
    expect(reloaded?.status()).toBe(200)
    await expect(page.locator('#files-left').textContent()).resolves.toBe('none beyond those being sent')
    await page.locator('#resume-note', { hasText: 'video.mp4' }).waitFor()
    await shot(page, 'resume')

    // What the page learns the service holds, when the same file is chosen again.
    const asked = page.waitForResponse((answer) => answer.request().method() === 'GET' && /\/api\/v1\/uploads\/[\w-]+$/.test(answer.url()))
    parts.length = 0
    await page.setInputFiles('#files', big.path)
    const held = (await (await asked).json()).received as number[]
    expect(held.length).toBeGreaterThanOrEqual(2)
    await status(page, 'video.mp4', /^Sent/).waitFor({ timeout: 120_000 })
    expect(parts.filter((n) => held.includes(n))).toEqual([])
    expect([...held, ...parts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7])
    const files = (await owner.json('GET', '/api/v1/files')).items
    expect(files.find((f: { name: string }) => f.name === 'video.mp4')).toMatchObject({
      sha256: sha256(big.data),
      uploadRequestId: request.id,
    })
    expect(errors).toEqual([])
  }, 180_000)

  test('holds to the limits: too large and one too many are not sent, and a place taken meanwhile is refused by the service', async () => {
    const request = await newRequest({ maxFiles: 2, maxBytes: 3_000_000 })
    const first = file('first.txt', 1_000_000, 21)
    const tooLarge = file('too-large.bin', 2_500_000, 22)
    const second = file('second.txt', 1000, 23)
    const third = file('third.txt', 1000, 24)
    const { page, errors } = await open({ viewport: { width: 390, height: 844 } })
    await page.goto(request.url)
    await page.setInputFiles('#files', [first.path, tooLarge.path, second.path, third.path])
    await status(page, 'first.txt', /^Sent/).waitFor()
    await status(page, 'second.txt', /^Sent/).waitFor()
    expect(await item(page, 'too-large.bin').locator('.status').textContent()).toBe(
      'Not sent: larger than the 2.0 MB this request still takes.',
    )
    expect(await item(page, 'third.txt').locator('.status').textContent()).toBe('Not sent: this request takes no more files.')
    await expect(page.locator('#files-left').textContent()).resolves.toBe('no more')
    await shot(page, 'limits')
    const names = (await owner.json('GET', '/api/v1/files')).items
      .filter((f: { uploadRequestId?: string }) => f.uploadRequestId === request.id)
      .map((f: { name: string }) => f.name)
    expect(names.sort()).toEqual(['first.txt', 'second.txt'])

    // A page opened while one place was left; someone else takes it before this person chooses a file.
    const last = await newRequest({ maxFiles: 1 })
    const late = await open()
    await late.page.goto(last.url)
    await new Api(target, last.token).upload('quicker.txt', bytes(10, 25))
    await late.page.setInputFiles('#files', third.path)
    await status(late.page, 'third.txt', 'Not sent: This upload request is full.').waitFor()
    // Reloaded, the page says the request has what it asked for.
    const full = await late.page.reload()
    expect(full?.status()).toBe(410)
    expect(await late.page.locator('[role=alert] h1').textContent()).toBe('This upload link is complete')
    await shot(late.page, 'full')
    expect([...errors, ...late.errors]).toEqual([])
  }, 120_000)

  test('looks right on a desktop and a phone, light and dark; an expired or closed request says so', async () => {
    const expiring = await newRequest({ expiresIn: 1 })
    const done = file('contract-signed.pdf', 300_000, 7)
    const scans = file('scans.zip', 900_000, 8)
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const request = await newRequest({
          expiresIn: '3d',
          maxFiles: 10,
          maxBytes: 1_000_000,
          message: 'Could you send me the signed contract and the scans? Thank you!',
        })
        const { page, errors } = await open({ viewport, colorScheme })
        await page.goto(request.url)
        await page.setInputFiles('#files', [done.path, scans.path])
        await status(page, 'contract-signed.pdf', /^Sent/).waitFor({ timeout: 60_000 })
        await status(page, 'scans.zip', /^Not sent/).waitFor()
        await shot(page, `${label}-${colorScheme}`)
        // Nothing wider than the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
        expect(errors).toEqual([])
      }
    }

    const { page } = await open({ viewport: { width: 390, height: 844 } })
    const expired = await page.goto(expiring.url)
    expect(expired?.status()).toBe(410)
    expect(await page.locator('[role=alert] h1').textContent()).toBe('This upload link has expired')
    await shot(page, 'expired')

    const request = await newRequest({})
    expect((await owner.request('DELETE', `/api/v1/upload-requests/${request.id}`)).status).toBe(204)
    const closed = await page.goto(request.url)
    expect(closed?.status()).toBe(410)
    expect(await page.locator('[role=alert]').textContent()).toContain('has closed it')
    await shot(page, 'closed')
  }, 180_000)
})
