import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { sha256 } from '../support/clients'
import { nodeDisk, ROOT } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'
import { worker } from '../support/worker-service'

// Debian's chromium, driven by playwright-core, on an upload request's page
// (/u/<token>), on Node and on the Worker: a person without an account sends
// files with progress, cancels one, reloads mid-upload and resumes, and the
// owner finds the files through the API. Screenshots go to test-artifacts/.
const ARTIFACTS = join(ROOT, 'test-artifacts')
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const MIB = 1024 * 1024
const PART = 5 * MIB

describe.each([nodeDisk, worker])('the upload request page in a real browser ($name)', (kind) => {
  let target: ServiceTarget
  let owner: Api
  let dir: string
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    dir = scratchDir('upload-page')
    target = await kind.start({ env: { RATE_LIMIT: '0', UPLOAD_PART_SIZE: String(PART) } })
    owner = await new Api(target).createKey('user', 'owner')
  })

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await target?.stop()
    if (dir) removeScratch(dir)
  })

  async function open(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; profile?: string } = {}) {
    const context = await chromium.launchPersistentContext(join(dir, options.profile ?? `profile-${contexts.length}`), {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
      viewport: options.viewport ?? { width: 1024, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
    })
    contexts.push(context)
    const page = context.pages()[0] ?? (await context.newPage())
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded'))
        errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    return { context, page, errors }
  }

  /** Slows the browser's uploads down, so that progress, cancelling and reloading happen mid-file. */
  async function throttle(page: Page, bytesPerSecond: number) {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    })
  }

  function file(name: string, size: number, seed: number) {
    const data = bytes(size, seed)
    const path = join(dir, name)
    writeFileSync(path, data)
    return { path, data }
  }

  const item = (page: Page, name: string) => page.locator('#queue li', { hasText: name })

  test('sends a large file in parts and a small one in one request, with progress; the owner gets both', async () => {
    const request = await owner.json(
      'POST',
      '/api/v1/upload-requests',
      { json: { expiresIn: '1d', maxFiles: 5, maxBytes: 100 * MIB, message: 'Hello! Please send the <b>site photos</b> from Tuesday.' } },
      201,
    )
    const large = file('photos.zip', 4 * PART + 12_345, 3)
    const small = file('notes.txt', 20_000, 4)
    const { page, errors } = await open()
    await page.goto(request.url)
    await expect(page.locator('#message').textContent()).resolves.toBe('Hello! Please send the <b>site photos</b> from Tuesday.')
    await expect(page.locator('#files-left').textContent()).resolves.toBe('up to 5 more')
    await throttle(page, 4 * MIB)

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
    await item(page, 'photos.zip').locator('.status', { hasText: /MB\/s/ }).waitFor({ timeout: 60_000 })
    await page.screenshot({ path: join(ARTIFACTS, `upload-request-progress-${kind.runtime}.png`), fullPage: true })
    await item(page, 'photos.zip').locator('.status', { hasText: /^Sent/ }).waitFor({ timeout: 120_000 })
    await item(page, 'notes.txt').locator('.status', { hasText: /^Sent/ }).waitFor({ timeout: 60_000 })
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen)
    expect(seen.some((fraction) => fraction > 0.1 && fraction < 0.9)).toBe(true)
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
  }, 300_000)

  test('cancels an upload: its parts are discarded and its place given back', async () => {
    const request = await owner.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1d', maxFiles: 1 } }, 201)
    const big = file('cancelled.bin', 6 * PART, 5)
    const { page, errors } = await open()
    await page.goto(request.url)
    await throttle(page, 2 * MIB)
    await page.setInputFiles('#files', big.path)
    await item(page, 'cancelled.bin').locator('.status', { hasText: /MB\/s/ }).waitFor({ timeout: 60_000 })
    await item(page, 'cancelled.bin').getByRole('button', { name: 'Cancel' }).click()
    await item(page, 'cancelled.bin').locator('.status', { hasText: 'Cancelled.' }).waitFor({ timeout: 120_000 })
    await expect
      .poll(async () => (await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).pendingFiles, { timeout: 20_000 })
      .toBe(0)
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fuselink.upload.')))).toEqual([])
    expect(errors).toEqual([])
  }, 300_000)

  test('resumes after a reload: the same file chosen again sends only the parts that did not arrive', async () => {
    const request = await owner.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1d', maxFiles: 2 } }, 201)
    const big = file('video.mp4', 6 * PART + 1000, 6)
    const { page, errors } = await open({ profile: `resume-${kind.runtime}` })
    await page.goto(request.url)
    await throttle(page, 6 * MIB)
    const parts: number[] = []
    page.on('requestfinished', (sent) => {
      const match = /\/parts\/(\d+)$/.exec(sent.url())
      if (match) parts.push(Number(match[1]))
    })
    await page.setInputFiles('#files', big.path)
    // Reload once two parts are in.
    await expect.poll(() => parts.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
    await page.reload()
    const remembered = await page.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith('fuselink.upload.')))
    expect(remembered).toHaveLength(1)
    const id = remembered[0]![1]
    const held = (await new Api(target, request.token).json('GET', `/api/v1/uploads/${id}`)).received as number[]
    expect(held.length).toBeGreaterThanOrEqual(2)
    await page.locator('#resume-note', { hasText: 'video.mp4' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, `upload-request-resume-${kind.runtime}.png`), fullPage: true })

    parts.length = 0
    await page.setInputFiles('#files', big.path)
    await item(page, 'video.mp4').locator('.status', { hasText: /^Sent/ }).waitFor({ timeout: 120_000 })
    // Only what was missing went again.
    expect(parts.filter((n) => held.includes(n))).toEqual([])
    expect([...held, ...parts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7])
    const files = (await owner.json('GET', '/api/v1/files')).items
    expect(files.find((f: { name: string }) => f.name === 'video.mp4')).toMatchObject({
      sha256: sha256(big.data),
      uploadRequestId: request.id,
    })
    expect(errors).toEqual([])
  }, 300_000)

  test('looks right on a desktop and a phone, light and dark, and a closed request says so', async () => {
    const request = await owner.json(
      'POST',
      '/api/v1/upload-requests',
      {
        json: {
          expiresIn: '3d',
          maxFiles: 10,
          maxBytes: 2 * 1024 ** 3,
          message: 'Could you send me the signed contract and the scans? Thank you!',
        },
      },
      201,
    )
    const done = file('contract-signed.pdf', 300_000, 7)
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { page, errors } = await open({ viewport, colorScheme })
        await page.goto(request.url)
        await page.setInputFiles('#files', done.path)
        await item(page, 'contract-signed.pdf').locator('.status', { hasText: /^Sent/ }).waitFor({ timeout: 60_000 })
        await page.screenshot({ path: join(ARTIFACTS, `upload-request-${label}-${colorScheme}-${kind.runtime}.png`), fullPage: true })
        // Nothing wider than the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
        expect(errors).toEqual([])
      }
    }
    expect((await owner.request('DELETE', `/api/v1/upload-requests/${request.id}`)).status).toBe(204)
    const { page } = await open({ viewport: { width: 390, height: 844 } })
    const closed = await page.goto(request.url)
    expect(closed?.status()).toBe(410)
    expect(await page.locator('[role=alert]').textContent()).toContain('has closed it')
    await page.screenshot({ path: join(ARTIFACTS, `upload-request-closed-${kind.runtime}.png`), fullPage: true })
  }, 300_000)
})
