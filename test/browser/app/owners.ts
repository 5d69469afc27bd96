import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CHROMIUM } from '../../support/chromium'
import { SESSION_COOKIE, SessionClient } from '../../support/session'
import type { ServiceTarget, TargetKind } from '../../support/target'

/*
 * Issue 8's owner filter in a real Chromium: an admin sees a user's links
 * and files with the user's name, keeps each list to that user (the list
 * narrows, and the app asked the service with ?owner=), and a user, whose
 * answers name no owner, gets no filter.
 */

const ADMIN = { username: 'ada', password: 'correct horse battery' }
const USER = { username: 'carla', password: 'carla’s long passphrase' }
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 })

export function ownerFilterSuite(kind: TargetKind): void {
  describe(`the owner filter in Chromium, ${kind.name}`, () => {
    let target: ServiceTarget
    let browser: Browser
    let admin: SessionClient
    let user: SessionClient
    let userId: string

    beforeAll(async () => {
      target = await kind.start({ env: { RATE_LIMIT: '0' } })
      const setup = await fetch(target.setupUrl()!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(target.baseUrl).origin },
        body: new URLSearchParams(ADMIN),
        redirect: 'manual',
      })
      expect(setup.status).toBe(303)
      admin = await SessionClient.signIn(target, ADMIN.username, ADMIN.password)
      userId = (await admin.json('POST', '/api/v1/users', { json: { ...USER, role: 'user' } }, 201)).id
      user = await SessionClient.signIn(target, USER.username, USER.password)
      for (const [who, name] of [
        [admin, 'Admin notes.txt'],
        [user, 'Carla’s drawings.pdf'],
      ] as const) {
        const file = await who.json('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, { body: name }, 201)
        await who.json('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: '1d' } }, 201)
      }
      browser = await chromium.launch(CHROMIUM)
      // The Worker's first start migrates a local D1 with wrangler: minutes on a loaded machine.
    }, 300_000)

    afterAll(async () => {
      await browser?.close()
      await target?.stop()
    })

    /** The app at `screen`, signed in as `who`; `asked` collects the URLs it requests. */
    async function open(who: SessionClient, screen: string): Promise<{ page: Page; asked: string[]; errors: string[] }> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      await context.addCookies([{ name: SESSION_COOKIE, value: who.cookie, url: target.baseUrl }])
      const page = await context.newPage()
      const asked: string[] = []
      const errors: string[] = []
      page.on('request', (request) => asked.push(request.url()))
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(`${target.baseUrl}/#/${screen}`)
      await eventually(() => page.locator(`#${screen}-body tr`).count()).toBeGreaterThan(0)
      return { page, asked, errors }
    }

    const rows = (page: Page, screen: string) => page.locator(`#${screen}-body tr`).allTextContents()

    test.each(['links', 'files'])('an admin sees the owners on %s and keeps the list to one', async (screen) => {
      const { page, asked, errors } = await open(admin, screen)
      await eventually(() => rows(page, screen)).toHaveLength(2)
      expect((await rows(page, screen)).find((row) => row.includes('Carla’s drawings.pdf'))).toContain(`by ${USER.username}`)
      expect((await rows(page, screen)).find((row) => row.includes('Admin notes.txt'))).toContain(`by ${ADMIN.username}`)

      const filter = page.locator(`#screen-${screen}`).getByLabel('Owner')
      expect(await filter.isVisible()).toBe(true)
      await filter.selectOption({ label: USER.username })
      await eventually(() => rows(page, screen)).toEqual([expect.stringContaining('Carla’s drawings.pdf')])
      expect(
        asked.filter((url) => new URL(url).pathname === `/api/v1/${screen}`).map((url) => new URL(url).searchParams.get('owner')),
      ).toContain(userId)

      await filter.selectOption({ label: 'Everyone' })
      await eventually(() => rows(page, screen)).toHaveLength(2)
      expect(errors).toEqual([])
      await page.context().close()
    })

    test('a user sees only their own, with no owner filter', async () => {
      for (const screen of ['links', 'files']) {
        const { page, asked, errors } = await open(user, screen)
        expect(await rows(page, screen)).toEqual([expect.stringContaining('Carla’s drawings.pdf')])
        expect(await rows(page, screen)).toEqual([expect.not.stringContaining('by ')])
        expect(await page.locator(`#${screen}-owner-bar`).isVisible()).toBe(false)
        expect(asked.some((url) => new URL(url).searchParams.has('owner'))).toBe(false)
        expect(errors).toEqual([])
        await page.context().close()
      }
    })
  })
}
