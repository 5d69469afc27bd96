import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CHROMIUM } from '../support/chromium'
import { ROOT, startNodeService } from '../support/node-service'
import type { ServiceTarget } from '../support/target'

// The API reference (GET /api/docs) in Debian's chromium against the real Node
// entry, at desktop and phone widths, light and dark. Screenshots go to
// test-artifacts/ (api-docs-*.png).
const ARTIFACTS = join(ROOT, 'test-artifacts')

const VIEWS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const

describe('the API reference page in a real browser', () => {
  let target: ServiceTarget
  let browser: Browser
  let profile: string

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    profile = mkdtempSync(join(tmpdir(), 'fuselink-chromium-'))
    target = await startNodeService('disk')
    browser = await chromium.launch(CHROMIUM)
  })

  afterAll(async () => {
    await browser?.close()
    await target?.stop()
    if (profile) rmSync(profile, { recursive: true, force: true })
  })

  for (const view of VIEWS) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`${view.name}, ${colorScheme}: every operation, nothing from elsewhere, nothing wider than the screen`, async () => {
        const context = await browser.newContext({ viewport: view.viewport, colorScheme })
        const page = await context.newPage()
        const problems: string[] = []
        const origins = new Set<string>()
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text())
        })
        page.on('pageerror', (error) => problems.push(error.message))
        page.on('request', (request) => origins.add(new URL(request.url()).origin))

        const response = await page.goto(`${target.baseUrl}/api/docs`)
        expect(response!.status()).toBe(200)
        expect(await page.title()).toBe('fuselink API reference')

        const spec = await (await fetch(`${target.baseUrl}/api/openapi.json`)).json()
        const operations = Object.entries(spec.paths as Record<string, Record<string, { summary: string }>>).flatMap(([path, item]) =>
          Object.entries(item).map(([method, operation]) => ({ method, path, summary: operation.summary })),
        )
        for (const { method, path, summary } of operations) {
          const article = page.locator('article.op', { has: page.locator(`code.op-path:text-is("${path}")`) }).filter({
            has: page.locator(`.method:text-is("${method.toUpperCase()}")`),
          })
          expect(await article.count(), `${method} ${path}`).toBe(1)
          expect(await article.locator('h3').textContent()).toBe(summary)
        }
        // Every in-page link lands somewhere.
        const targets = await page.$$eval('a[href^="#"]', (links) => links.map((link) => link.getAttribute('href')!.slice(1)))
        const missing = await page.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), targets)
        expect(missing).toEqual([])

        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(width).toBeLessThanOrEqual(view.viewport.width)
        expect([...origins]).toEqual([target.baseUrl])
        expect(problems).toEqual([])
        await page.screenshot({ path: join(ARTIFACTS, `api-docs-${view.name}-${colorScheme}.png`), fullPage: view.name === 'phone' })
        await context.close()
      })
    }
  }
})
