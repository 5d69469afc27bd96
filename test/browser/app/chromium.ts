import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { CHROMIUM } from '../../support/chromium'

// Debian's chromium through playwright-core, as every browser test of the app
// starts it: one persistent profile per person, so that cookies, clipboard
// and downloads are each person's own.

export interface Person {
  context: BrowserContext
  page: Page
  /** Script errors and console errors other than a loaded document's status (a CSP violation lands here). */
  errors: string[]
}

export interface PersonOptions {
  viewport?: { width: number; height: number }
  colorScheme?: 'light' | 'dark'
}

/** A fresh browser profile under `profiles`, with a page open and its errors collected. */
export async function openPerson(profiles: string, name: string, options: PersonOptions = {}): Promise<Person> {
  const context = await chromium.launchPersistentContext(join(profiles, name), {
    ...CHROMIUM,
    acceptDownloads: true,
    timezoneId: 'Europe/Berlin',
    locale: 'en-GB',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded'))
      errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  return { context, page, errors }
}

/**
 * Slows this page's uploads to `bytesPerSecond` through Chromium's own
 * network emulation, so that an upload on loopback takes as long as on a
 * real network and its progress can be watched.
 */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  })
}
